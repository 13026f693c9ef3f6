package app

import (
	"context"

	"github.com/planstore/planstore/idempotency"
	"github.com/planstore/planstore/transport/httpapi"
)

// openIdempotency opens the Idempotency-Key store where the event store lives: Redis
// (every command API of a deployment shares the keys), or idempotency.db in the data dir.
func (m *Main) openIdempotency(ctx context.Context) (httpapi.IdempotencyStore, error) {
	return openStateStore[httpapi.IdempotencyStore](ctx, m, "idempotency keys", idempotency.BoltFileName,
		idempotency.NewRedisStore, idempotency.OpenBoltStore)
}
