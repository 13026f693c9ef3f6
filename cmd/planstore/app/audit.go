package app

import (
	"context"
	"fmt"

	"github.com/planstore/planstore/transport/messaging/audit"
)

// openAuditLog opens the audit log where the event store lives: Redis when the event
// store is Redis (so every API process reads the same operator log, and the entries the
// retired audit consumer recorded), else a side bucket of the embedded store's file,
// whose group commit makes each entry durable too. An audit.db left by an earlier
// version is moved in first. A plan's trail itself is read from the event log.
func (m *Main) openAuditLog(ctx context.Context, store eventStore) (*audit.Log, error) {
	if m.cfg.RedisURL != "" {
		client, err := m.redisClient(ctx)
		if err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		return audit.NewLog(audit.NewRedisStore(client, ""))
	}
	file, ok := store.(audit.SideFile)
	if !ok {
		return nil, fmt.Errorf("audit log: the embedded event store (%T) keeps no side buckets", store)
	}
	moved, err := audit.MoveBoltFile(ctx, m.cfg.DataDir, file)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", explainLocked(err, m.cfg.DataDir, audit.BoltFileName))
	}
	if moved > 0 {
		m.announce.Info("audit log moved into the event store's file", "entries", moved, "from", audit.BoltFileName)
	}
	return audit.NewLog(audit.NewSideStore(file))
}
