package app

import (
	"context"
	"fmt"
	"io"

	"github.com/redis/go-redis/v9"
)

// openStateStore opens one of the small stores kept where the event store lives
// (idempotency keys, import jobs, webhook subscriptions): on Redis, which every process
// of a deployment shares, or in a bbolt file of the data dir, which the role closes.
// newRedis and openBolt are the store package's own constructors; what they make must
// be an S, which the tests on each backend check by opening it.
func openStateStore[S any, R any, B io.Closer](ctx context.Context, m *Main, what, boltFile string,
	newRedis func(redis.UniversalClient, string) R, openBolt func(dataDir string) (B, error)) (S, error) {
	var store any
	if m.cfg.RedisURL != "" {
		client, err := m.redisClient(ctx)
		if err != nil {
			return *new(S), fmt.Errorf("%s: %w", what, err)
		}
		store = newRedis(client, "")
	} else {
		bolt, err := openBolt(m.cfg.DataDir)
		if err != nil {
			return *new(S), fmt.Errorf("%s: %w", what, explainLocked(err, m.cfg.DataDir, boltFile))
		}
		m.onClose(what, func(context.Context) error { return bolt.Close() })
		store = bolt
	}
	s, ok := store.(S)
	if !ok {
		return s, fmt.Errorf("%s: %T is not a %T", what, store, new(S))
	}
	return s, nil
}
