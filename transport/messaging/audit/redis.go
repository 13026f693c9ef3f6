package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/transport/redisconn"
)

// RedisStore keeps each plan's log in one Redis hash, field = event id, value = the
// entry as JSON. HSETNX makes Add idempotent in one round trip; a plan's log is read
// with one HGETALL. One key per plan also keeps the store correct on Redis Cluster.
type RedisStore struct {
	client redis.UniversalClient
	prefix string

	// replicas must confirm each entry (WAIT) before Add returns, as they confirm the
	// event store's commits: the consumer acks the message once Add returns, so an entry
	// lost in a failover would be lost for good. See WaitForReplicas.
	replicas int
	timeout  time.Duration
}

// WaitForReplicas makes Add wait until n replicas have each entry (at most timeout)
// and fail otherwise, so the message is delivered again; 0 trusts the master alone.
func (s *RedisStore) WaitForReplicas(n int, timeout time.Duration) *RedisStore {
	s.replicas, s.timeout = n, timeout
	return s
}

// DefaultRedisPrefix prefixes the audit keys: <prefix>:<planID>.
const DefaultRedisPrefix = "planstore:audit"

// NewRedisStore returns a store on client; prefix "" means DefaultRedisPrefix.
func NewRedisStore(client redis.UniversalClient, prefix string) *RedisStore {
	if prefix == "" {
		prefix = DefaultRedisPrefix
	}
	return &RedisStore{client: client, prefix: prefix}
}

func (s *RedisStore) key(planID string) string { return s.prefix + ":" + planID }

// Add implements Store.
func (s *RedisStore) Add(ctx context.Context, planID string, e Entry) error {
	value, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode entry %s: %w", e.EventID, err)
	}
	key := s.key(planID)
	if s.replicas == 0 {
		if err := s.client.HSetNX(ctx, key, e.EventID, value).Err(); err != nil {
			return fmt.Errorf("redis HSETNX %s: %w", key, err)
		}
		return nil
	}
	node, err := redisconn.MasterFor(ctx, s.client, key)
	if err != nil {
		return err
	}
	var set *redis.BoolCmd
	waitErr := redisconn.WaitOn(ctx, node, s.replicas, s.timeout, func(p redis.Pipeliner) {
		set = p.HSetNX(ctx, key, e.EventID, value)
	})
	if err := errors.Join(set.Err(), waitErr); err != nil {
		return fmt.Errorf("redis HSETNX %s: %w", key, err)
	}
	return nil
}

// Entries implements Store.
func (s *RedisStore) Entries(ctx context.Context, planID string) ([]Entry, error) {
	fields, err := s.client.HGetAll(ctx, s.key(planID)).Result()
	if err != nil {
		return nil, fmt.Errorf("redis HGETALL %s: %w", s.key(planID), err)
	}
	entries := make([]Entry, 0, len(fields))
	for id, value := range fields {
		var e Entry
		if err := json.Unmarshal([]byte(value), &e); err != nil {
			return nil, fmt.Errorf("decode entry %s of %s: %w", id, planID, err)
		}
		entries = append(entries, e)
	}
	return entries, nil
}
