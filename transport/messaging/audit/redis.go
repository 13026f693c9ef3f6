package audit

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/transport/redisconn"
)

// RedisStore keeps each plan's log in one Redis hash, field = event id, value = the
// entry as JSON. HSETNX makes Add idempotent in one round trip; a plan's log is read
// with one HGETALL. One key per plan also keeps the store correct on Redis Cluster.
type RedisStore struct {
	redisconn.Namespace
}

// DefaultRedisPrefix prefixes the audit keys: <prefix>:<planID>.
const DefaultRedisPrefix = "planstore:audit"

// NewRedisStore returns a store on client; prefix "" means DefaultRedisPrefix.
func NewRedisStore(client redis.UniversalClient, prefix string) *RedisStore {
	return &RedisStore{redisconn.NewNamespace(client, prefix, DefaultRedisPrefix)}
}

func (s *RedisStore) key(planID string) string { return s.Prefix + ":" + planID }

// Add implements Store.
func (s *RedisStore) Add(ctx context.Context, planID string, e Entry) error {
	value, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode entry %s: %w", e.EventID, err)
	}
	if err := s.Client.HSetNX(ctx, s.key(planID), e.EventID, value).Err(); err != nil {
		return fmt.Errorf("redis HSETNX %s: %w", s.key(planID), err)
	}
	return nil
}

// Entries implements Store.
func (s *RedisStore) Entries(ctx context.Context, planID string) ([]Entry, error) {
	fields, err := s.Client.HGetAll(ctx, s.key(planID)).Result()
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
