package app

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/transport/redisconn"
)

// redisDialTimeout bounds the start-up check: a configured Redis that does not answer is
// a clear start-up error, never a silent fallback to the embedded store.
const redisDialTimeout = 5 * time.Second

// redisClient is the role's one Redis client (a single server or a cluster, from
// --redis-url), shared by the event store, the relay lease and the audit log; it is
// dialled on first use and closed last.
func (m *Main) redisClient(ctx context.Context) (redis.UniversalClient, error) {
	if m.redis != nil {
		return m.redis, nil
	}
	redisconn.SetLogger(m.log)
	ctx, cancel := context.WithTimeout(ctx, redisDialTimeout)
	defer cancel()
	client, err := redisconn.Dial(ctx, m.cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("redis at %s: %w", redactURL(m.cfg.RedisURL), err)
	}
	m.redis = client
	m.onClose("redis client", func(context.Context) error { return client.Close() })
	return client, nil
}

func (m *Main) openRedisStore(ctx context.Context, codec *events.Codec) (eventStore, error) {
	client, err := m.redisClient(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, redisDialTimeout)
	defer cancel()
	store, err := redisstore.New(ctx, client, codec,
		redisstore.WithLogger(m.log),
		redisstore.WithMinReplicas(m.cfg.RedisMinReplicas),
		redisstore.WithRetryWindow(m.cfg.RedisRetryWindow))
	if err != nil {
		return nil, fmt.Errorf("redis at %s: %w", redactURL(m.cfg.RedisURL), err)
	}
	return store, nil
}
