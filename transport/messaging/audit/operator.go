package audit

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/planstore/planstore/events"
)

// OperatorLog is the key of the operator log in the Store: '/' starts no plan's key
// (objectIds never contain it, and a namespaced key has a namespace before it), so it
// can never be a plan's log.
const OperatorLog = "/operator"

// OperatorAccess is the Type of an operator entry.
const OperatorAccess events.Type = "operator.access"

// RecordOperatorAccess keeps one request made with the cross-tenant operator scope:
// who, under which correlation id, and what (detail, e.g. "GET /v1/plans/x").
func (l *Log) RecordOperatorAccess(ctx context.Context, actor, correlationID, detail string) error {
	now := l.now().UTC()
	e := Entry{EventID: uuid.NewString(), Type: OperatorAccess, Actor: actor, CorrelationID: correlationID,
		OccurredAt: now, ReceivedAt: now, Detail: detail}
	if err := l.store.Add(ctx, OperatorLog, e); err != nil {
		return fmt.Errorf("audit: record operator access of %s: %w", actor, err)
	}
	return nil
}

// OperatorAccesses lists every recorded operator request, oldest first.
func (l *Log) OperatorAccesses(ctx context.Context) ([]Entry, error) {
	entries, err := l.store.Entries(ctx, OperatorLog)
	if err != nil {
		return nil, fmt.Errorf("audit: operator log: %w", err)
	}
	if entries == nil {
		entries = []Entry{} // listed as [] not null
	}
	sortByVersion(entries)
	return entries, nil
}
