// Package storetest is the acceptance suite every event store adapter must pass, so
// the command side can swap Redis for the embedded store (and back) without noticing.
package storetest

import (
	"context"
	"time"

	"github.com/planstore/planstore/events"
)

// Store is the method set every event store adapter offers. It is declared here, where
// it is consumed by the suite, rather than in events/, so adapters stay plain structs.
type Store interface {
	// Append writes one commit atomically, or nothing (see events.Commit).
	Append(ctx context.Context, c events.Commit) error
	// Load returns the latest snapshot; events.ErrNotFound when never written.
	Load(ctx context.Context, aggregateID string) (events.Snapshot, error)
	// Events returns an aggregate's events in version order; events.ErrNotFound if none.
	Events(ctx context.Context, aggregateID string) ([]events.Envelope, error)
	// Partitions is how many partitions the global log is split into.
	Partitions() int
	// ReadLog returns up to limit entries of one partition strictly after position
	// after ("" = from the start), in commit order.
	ReadLog(ctx context.Context, partition int, after string, limit int) ([]events.LogEntry, error)
	// ReadOutbox hands out up to max committed events not yet acknowledged, blocking up
	// to wait while there are none.
	ReadOutbox(ctx context.Context, consumer string, max int, wait time.Duration) ([]events.LogEntry, error)
	// AckOutbox marks entries as relayed; acknowledging twice is not an error.
	AckOutbox(ctx context.Context, entries ...events.LogEntry) error
	// Close releases the store; calling it twice is not an error.
	Close() error
}
