package app

import (
	"context"
	"fmt"
	"time"

	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/transport/messaging/audit"
)

// openAuditLog opens the audit trail where the event store lives: Redis when the event
// store is Redis (so a query API in another process can read what the projector role
// recorded), else a file beside the embedded store.
func (m *Main) openAuditLog(ctx context.Context, events eventStore) (*audit.Log, error) {
	var store audit.Store
	if m.cfg.RedisURL != "" {
		client, err := m.redisClient(ctx)
		if err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		// The audit trail is as durable as the events: entries wait for the replicas
		// commits wait for.
		replicas := 0
		if rs, ok := events.(*redisstore.Store); ok {
			replicas = rs.MinReplicas()
		}
		store = audit.NewRedisStore(client, "").WaitForReplicas(replicas, time.Second)
	} else {
		bolt, err := audit.OpenBoltStore(m.cfg.DataDir)
		if err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		m.onClose("audit store", func(context.Context) error { return bolt.Close() })
		store = bolt
	}
	return audit.NewLog(store)
}
