package app

import (
	"context"
	"fmt"

	"github.com/planstore/planstore/transport/messaging/audit"
)

// openAuditLog opens the audit trail where the event store lives: Redis when the event
// store is Redis (so a query API in another process can read what the projector role
// recorded), else a file beside the embedded store.
func (m *Main) openAuditLog(ctx context.Context) (*audit.Log, error) {
	var store audit.Store
	if m.cfg.RedisURL != "" {
		client, err := m.redisClient(ctx)
		if err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		store = audit.NewRedisStore(client, "")
	} else {
		bolt, err := audit.OpenBoltStore(m.cfg.DataDir)
		if err != nil {
			err = explainLocked(err, m.cfg.DataDir, audit.BoltFileName)
			return nil, fmt.Errorf("audit log: %w", err)
		}
		m.onClose("audit store", func(context.Context) error { return bolt.Close() })
		store = bolt
	}
	return audit.NewLog(store)
}
