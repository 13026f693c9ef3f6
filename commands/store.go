package commands

import (
	"context"

	"github.com/planstore/planstore/events"
)

// EventStore is what the command side needs of an event store: the current snapshot to
// decide on, and an atomic, version-checked commit.
type EventStore interface {
	Load(ctx context.Context, aggregateID string) (events.Snapshot, error)
	Append(ctx context.Context, commit events.Commit) error
}
