// Package outbox relays committed events from the event store's outbox to the bus: a
// Watermill subscriber reads the outbox, and a router handler publishes every entry and
// marks it relayed only after the bus confirmed it.
package outbox

import (
	"context"
	"time"

	"github.com/planstore/planstore/events"
)

// Outbox is what the relay needs from an event store (events/redisstore and
// events/boltstore both offer it).
type Outbox interface {
	// ReadOutbox returns up to max committed, unrelayed entries, blocking up to wait
	// when there are none. Within a partition entries come in commit order. Entries
	// handed out and not acknowledged are handed out again after a restart (Redis:
	// re-claimed from a dead reader after an idle timeout), so a reader may see an entry
	// twice.
	ReadOutbox(ctx context.Context, consumer string, max int, wait time.Duration) ([]events.LogEntry, error)
	// AckOutbox marks entries relayed; acknowledging twice is harmless.
	AckOutbox(ctx context.Context, entries ...events.LogEntry) error
}
