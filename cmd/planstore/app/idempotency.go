package app

import (
	"context"
	"fmt"

	"github.com/planstore/planstore/idempotency"
	"github.com/planstore/planstore/transport/httpapi"
)

// openIdempotency opens the Idempotency-Key store where the event store lives: Redis
// (every command API of a deployment shares the keys), or idempotency.db in the data dir.
func (m *Main) openIdempotency(ctx context.Context) (httpapi.IdempotencyStore, error) {
	if m.cfg.RedisURL != "" {
		client, err := m.redisClient(ctx)
		if err != nil {
			return nil, fmt.Errorf("idempotency keys: %w", err)
		}
		return idempotency.NewRedisStore(client, ""), nil
	}
	bolt, err := idempotency.OpenBoltStore(m.cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("idempotency keys: %w", explainLocked(err, m.cfg.DataDir, idempotency.BoltFileName))
	}
	m.onClose("idempotency store", func(context.Context) error { return bolt.Close() })
	return bolt, nil
}
