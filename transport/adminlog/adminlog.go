// Package adminlog keeps the audit trail of operator actions taken through the admin
// routes (dead letters redelivered or discarded): the newest 10,000, in Redis when the
// deployment has it, so that every API instance shows the same trail, else in process.
package adminlog

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/transport/httpapi"
)

// Keep is how many actions the trail keeps.
const Keep = 10_000

// RedisKey is the list of actions, newest first.
const RedisKey = "planstore:admin:actions"

// Redis is the trail in a Redis list.
type Redis struct{ client redis.UniversalClient }

// NewRedis returns the trail on client.
func NewRedis(client redis.UniversalClient) *Redis { return &Redis{client: client} }

// Record implements httpapi.AdminActions.
func (s *Redis) Record(ctx context.Context, a httpapi.AdminAction) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	pipe := s.client.TxPipeline()
	pipe.LPush(ctx, RedisKey, b)
	pipe.LTrim(ctx, RedisKey, 0, Keep-1)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("adminlog: record: %w", err)
	}
	return nil
}

// Recent implements httpapi.AdminActions.
func (s *Redis) Recent(ctx context.Context, limit int) ([]httpapi.AdminAction, error) {
	raw, err := s.client.LRange(ctx, RedisKey, 0, int64(limit)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("adminlog: read: %w", err)
	}
	out := make([]httpapi.AdminAction, 0, len(raw))
	for _, r := range raw {
		var a httpapi.AdminAction
		if json.Unmarshal([]byte(r), &a) == nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// Memory is the trail of a single process.
type Memory struct {
	mu   sync.Mutex
	list []httpapi.AdminAction // oldest first
}

// Record implements httpapi.AdminActions.
func (m *Memory) Record(_ context.Context, a httpapi.AdminAction) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.list = append(m.list, a)
	if len(m.list) > Keep {
		m.list = m.list[len(m.list)-Keep:]
	}
	return nil
}

// Recent implements httpapi.AdminActions.
func (m *Memory) Recent(_ context.Context, limit int) ([]httpapi.AdminAction, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]httpapi.AdminAction, 0, min(limit, len(m.list)))
	for i := len(m.list) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, m.list[i])
	}
	return out, nil
}
