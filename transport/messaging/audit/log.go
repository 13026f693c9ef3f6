package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/planstore/planstore/events"
)

// RetiredConsumerName is the name the audit consumer had, hence its queue
// planstore.audit: until 2026-12 every event crossed the broker a second time to reach
// it. A plan's entries are now read from its event log, so a deployment's bus deletes
// that queue and its dead-letter queue once nothing consumes them (amqp.Config).
const RetiredConsumerName = "audit"

// Store keeps audit entries per plan. Both adapters (RedisStore, BoltStore) implement it.
// Since the entries of plans come from the event log, a Store holds the operator log and
// the entries the retired audit consumer recorded, whose reception time it keeps.
type Store interface {
	// Add keeps e in planID's log unless an entry with its event id is there already,
	// in which case it does nothing: that is what makes redelivery harmless.
	Add(ctx context.Context, planID string, e Entry) error
	// Entries returns planID's entries in any order; none is not an error.
	Entries(ctx context.Context, planID string) ([]Entry, error)
}

// Log is the audit log: a plan's trail as its event log tells it, and the operator log.
type Log struct {
	store Store
	now   func() time.Time
}

// NewLog returns the audit log kept in store.
func NewLog(store Store) (*Log, error) {
	if store == nil {
		return nil, errors.New("audit: no store")
	}
	return &Log{store: store, now: time.Now}, nil
}

// ForHistory returns the audit entries of the plan stored under key, whose events (in
// version order, as the event store returns them) are history: one entry per event.
// The event log is the trail, so an acknowledged write is in it at once and no entry can
// go missing; an entry the retired audit consumer recorded for the same event lends it
// the time that consumer received the event.
func (l *Log) ForHistory(ctx context.Context, key string, history []events.Envelope) ([]Entry, error) {
	recorded, err := l.store.Entries(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("audit: entries of %s: %w", key, err)
	}
	receivedAt := make(map[string]time.Time, len(recorded))
	for _, e := range recorded {
		receivedAt[e.EventID] = e.ReceivedAt
	}
	entries := make([]Entry, 0, len(history))
	for _, e := range history {
		at, ok := receivedAt[e.ID]
		if !ok {
			at = e.OccurredAt // the commit that appended it is when the log received it
		}
		entries = append(entries, entryOf(e, at))
	}
	sortByVersion(entries)
	return entries, nil
}
