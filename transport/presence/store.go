package presence

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Store keeps the latest heartbeat of every instance.
type Store interface {
	Put(ctx context.Context, i Instance) error
	// All returns every instance heard of within ForgetAfter, as announced.
	All(ctx context.Context) ([]Instance, error)
	// Forget removes an instance.
	Forget(ctx context.Context, id string) error
}

// List returns every instance with its status, sorted by role and id.
func List(ctx context.Context, s Store, now time.Time) ([]Instance, error) {
	all, err := s.All(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, i := range all {
		if now.Sub(i.LastSeen) > ForgetAfter {
			_ = s.Forget(ctx, i.ID) // best effort: the next List tries again
			continue
		}
		i.judge(now)
		out = append(out, i)
	}
	slices.SortFunc(out, func(a, b Instance) int {
		return strings.Compare(a.Role+"\x00"+a.ID, b.Role+"\x00"+b.ID)
	})
	return out, nil
}

// RedisKey is the hash of heartbeats: field = instance id, value = its JSON.
const RedisKey = "planstore:instances"

// RedisStore keeps heartbeats in one Redis hash (one slot on a Redis Cluster).
type RedisStore struct{ client redis.UniversalClient }

// NewRedisStore returns a store on client.
func NewRedisStore(client redis.UniversalClient) *RedisStore { return &RedisStore{client: client} }

// Put implements Store.
func (s *RedisStore) Put(ctx context.Context, i Instance) error {
	b, err := json.Marshal(i)
	if err != nil {
		return err
	}
	if err := s.client.HSet(ctx, RedisKey, i.ID, b).Err(); err != nil {
		return fmt.Errorf("presence: heartbeat: %w", err)
	}
	return nil
}

// All implements Store. An entry that does not decode (another version's) is skipped.
func (s *RedisStore) All(ctx context.Context) ([]Instance, error) {
	m, err := s.client.HGetAll(ctx, RedisKey).Result()
	if err != nil {
		return nil, fmt.Errorf("presence: list instances: %w", err)
	}
	out := make([]Instance, 0, len(m))
	for _, v := range m {
		var i Instance
		if json.Unmarshal([]byte(v), &i) == nil && i.ID != "" {
			out = append(out, i)
		}
	}
	return out, nil
}

// Forget implements Store.
func (s *RedisStore) Forget(ctx context.Context, id string) error {
	return s.client.HDel(ctx, RedisKey, id).Err()
}

// MemoryStore keeps heartbeats in process, for a deployment of one process.
type MemoryStore struct {
	mu sync.Mutex
	m  map[string]Instance
}

// NewMemoryStore returns an empty in-process store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{m: map[string]Instance{}} }

// Put implements Store.
func (s *MemoryStore) Put(_ context.Context, i Instance) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[i.ID] = i
	return nil
}

// All implements Store.
func (s *MemoryStore) All(context.Context) ([]Instance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Instance, 0, len(s.m))
	for _, i := range s.m {
		out = append(out, i)
	}
	return out, nil
}

// Forget implements Store.
func (s *MemoryStore) Forget(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
	return nil
}
