package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/transport/redisconn"
)

// RedisStore keeps each state as one JSON string key under prefix, and the ids in a
// set; an update is optimistic (WATCH the key, MULTI/EXEC), retried when another
// writer got in between. Every key of a state is one key, so this works on a Redis
// Cluster too.
type RedisStore struct {
	redisconn.Namespace
}

// NewRedisStore keeps states under prefix ("" = "planstore:webhooks:").
func NewRedisStore(rdb redis.UniversalClient, prefix string) *RedisStore {
	return &RedisStore{redisconn.NewNamespace(rdb, prefix, "planstore:webhooks:")}
}

func (s *RedisStore) key(id string) string { return s.Prefix + "sub:{" + id + "}" }
func (s *RedisStore) ids() string          { return s.Prefix + "ids" }

func (s *RedisStore) Create(ctx context.Context, st State) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	ok, err := s.Client.SetNX(ctx, s.key(st.Subscription.ID), raw, 0).Result()
	if err != nil {
		return fmt.Errorf("webhooks: create %s: %w", st.Subscription.ID, err)
	}
	if !ok {
		return fmt.Errorf("webhooks: subscription %s exists", st.Subscription.ID)
	}
	return s.Client.SAdd(ctx, s.ids(), st.Subscription.ID).Err()
}

// maxUpdateRetries bounds optimistic retries. Two writers per subscription is the
// usual (the API and the deliverer); a short random pause after a lost race lets even
// dozens of concurrent writers through.
const maxUpdateRetries = 100

func (s *RedisStore) Update(ctx context.Context, id string, fn func(*State) error) (State, error) {
	key := s.key(id)
	var out State
	for range maxUpdateRetries {
		err := s.Client.Watch(ctx, func(tx *redis.Tx) error {
			st, err := s.get(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := fn(&st); err != nil {
				return err
			}
			raw, err := json.Marshal(st)
			if err != nil {
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, key, raw, 0)
				return nil
			})
			out = st
			return err
		}, key)
		if errors.Is(err, redis.TxFailedErr) {
			select {
			case <-ctx.Done():
				return State{}, ctx.Err()
			case <-time.After(time.Duration(rand.IntN(2000)) * time.Microsecond): //nolint:gosec // jitter
			}
			continue
		}
		return out, err
	}
	return State{}, fmt.Errorf("webhooks: update %s: too much contention", id)
}

func (s *RedisStore) Get(ctx context.Context, id string) (State, error) {
	return s.get(ctx, s.Client, id)
}

func (s *RedisStore) get(ctx context.Context, c redis.Cmdable, id string) (State, error) {
	raw, err := c.Get(ctx, s.key(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return State{}, fmt.Errorf("subscription %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return State{}, fmt.Errorf("webhooks: read %s: %w", id, err)
	}
	var st State
	if err := json.Unmarshal(raw, &st); err != nil {
		return State{}, fmt.Errorf("webhooks: subscription %s is damaged: %w", id, err)
	}
	return st, nil
}

func (s *RedisStore) List(ctx context.Context) ([]State, error) {
	ids, err := s.Client.SMembers(ctx, s.ids()).Result()
	if err != nil {
		return nil, fmt.Errorf("webhooks: list: %w", err)
	}
	out := make([]State, 0, len(ids))
	for _, id := range ids {
		st, err := s.Get(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	sortStates(out)
	return out, nil
}

func (s *RedisStore) Delete(ctx context.Context, id string) error {
	n, err := s.Client.Del(ctx, s.key(id)).Result()
	if err != nil {
		return fmt.Errorf("webhooks: delete %s: %w", id, err)
	}
	if err := s.Client.SRem(ctx, s.ids(), id).Err(); err != nil {
		return fmt.Errorf("webhooks: delete %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("subscription %s: %w", id, ErrNotFound)
	}
	return nil
}
