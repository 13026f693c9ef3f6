package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
)

// ConsumerName is the audit consumer's name, hence its queue planstore.audit.
const ConsumerName = "audit"

// Store keeps audit entries per plan. Both adapters (RedisStore, BoltStore) implement it.
type Store interface {
	// Add keeps e in planID's log unless an entry with its event id is there already,
	// in which case it does nothing: that is what makes redelivery harmless.
	Add(ctx context.Context, planID string, e Entry) error
	// Entries returns planID's entries in any order; none is not an error.
	Entries(ctx context.Context, planID string) ([]Entry, error)
}

// Log is the audit log: the consumer that fills it and the query that reads it.
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

// Consumer is the audit consumer to register on a router (Router.AddConsumer), with
// Concurrency 1. Record is order-safe (entries are keyed by event id and sorted by
// version on read), so raising the returned Consumer's Concurrency is safe.
func (l *Log) Consumer() messaging.Consumer {
	return messaging.Consumer{Name: ConsumerName, Handle: l.Record}
}

// Record adds the event to its plan's log; recording an event twice keeps one entry.
func (l *Log) Record(ctx context.Context, e events.Envelope) error {
	if e.ID == "" || e.AggregateID == "" {
		return messaging.Permanent(fmt.Errorf("audit: event %q of plan %q lacks an id", e.ID, e.AggregateID))
	}
	if err := l.store.Add(ctx, e.AggregateID, entryOf(e, l.now())); err != nil {
		return fmt.Errorf("audit: record %s v%d of %s: %w", e.Type, e.Version, e.AggregateID, err)
	}
	return nil
}

// ForPlan returns the plan's audit entries in version order (empty for an unknown plan).
func (l *Log) ForPlan(ctx context.Context, planID string) ([]Entry, error) {
	entries, err := l.store.Entries(ctx, planID)
	if err != nil {
		return nil, fmt.Errorf("audit: entries of %s: %w", planID, err)
	}
	if entries == nil {
		entries = []Entry{} // an unknown plan has an empty log, listed as [] not null
	}
	sortByVersion(entries)
	return entries, nil
}
