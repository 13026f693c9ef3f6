package idempotency

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/transport/redisconn"
)

// RedisStore keeps keys as <prefix>idem:<key> strings with an expiry.
type RedisStore struct {
	redisconn.Namespace
}

// NewRedisStore uses client; prefix "" means "planstore:".
func NewRedisStore(client redis.UniversalClient, prefix string) *RedisStore {
	return &RedisStore{redisconn.NewNamespace(client, prefix, redisconn.DefaultPrefix)}
}

func (s *RedisStore) key(k string) string { return s.Prefix + "idem:" + k }

// Begin claims the key with SET NX, or reads what it holds.
func (s *RedisStore) Begin(ctx context.Context, key, fp string) (*Response, error) {
	pending, _ := json.Marshal(Record{Fingerprint: fp})
	ok, err := s.Client.SetNX(ctx, s.key(key), pending, InProgressTTL).Result()
	if err != nil {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	if ok {
		return nil, nil
	}
	raw, err := s.Client.Get(ctx, s.key(key)).Bytes()
	if errors.Is(err, redis.Nil) { // expired in between: try once more
		return s.Begin(ctx, key, fp)
	}
	if err != nil {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	return decide(raw, fp)
}

func decide(raw []byte, fp string) (*Response, error) {
	var rec Record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("idempotency record: %w", err)
	}
	switch {
	case rec.Fingerprint != fp:
		return nil, ErrMismatch
	case rec.Response == nil:
		return nil, ErrInProgress
	}
	return rec.Response, nil
}

// Complete stores the answer.
func (s *RedisStore) Complete(ctx context.Context, key, fp string, r Response) error {
	b, err := json.Marshal(Record{Fingerprint: fp, Response: &r})
	if err != nil {
		return err
	}
	return s.Client.Set(ctx, s.key(key), b, TTL).Err()
}

// Abandon deletes the key.
func (s *RedisStore) Abandon(ctx context.Context, key string) error {
	return s.Client.Del(ctx, s.key(key)).Err()
}
