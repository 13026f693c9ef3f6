package app

import (
	"context"
	"fmt"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/boltstore"
)

// eventStore is everything the roles use of an event store.
type eventStore interface {
	Load(ctx context.Context, aggregateID string) (events.Snapshot, error)
	Append(ctx context.Context, commit events.Commit) error
	Events(ctx context.Context, aggregateID string) ([]events.Envelope, error)
	Partitions() int
	ReadLog(ctx context.Context, partition int, after string, limit int) ([]events.LogEntry, error)
	ReadOutbox(ctx context.Context, consumer string, max int, wait time.Duration) ([]events.LogEntry, error)
	AckOutbox(ctx context.Context, entries ...events.LogEntry) error
	PutSnapshot(ctx context.Context, snap events.Snapshot) error
	Close() error
}

func (m *Main) openEventStore(ctx context.Context) (eventStore, error) {
	codec, err := events.NewPlanCodec()
	if err != nil {
		return nil, err
	}
	m.codec = codec
	var store eventStore
	if m.cfg.RedisURL != "" {
		store, err = m.openRedisStore(ctx, codec)
	} else {
		store, err = boltstore.Open(m.cfg.DataDir, codec)
		err = explainLocked(err, m.cfg.DataDir, boltstore.FileName)
	}
	if err != nil {
		return nil, fmt.Errorf("event store: %w", err)
	}
	m.onClose("event store", func(context.Context) error { return store.Close() })
	return store, nil
}
