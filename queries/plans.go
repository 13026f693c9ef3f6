// Package queries answers reads. Single plans come from the snapshot the event store
// keeps (always current, never eventually consistent); searches go to the read model
// (package search).
package queries

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/planstore/planstore/events"
)

// PlanStore is what the read side needs of the event store.
type PlanStore interface {
	Load(ctx context.Context, aggregateID string) (events.Snapshot, error)
	Events(ctx context.Context, aggregateID string) ([]events.Envelope, error)
}

// PlanView is a plan as GET serves it.
type PlanView struct {
	Version  int64
	Document json.RawMessage
}

// Plans answers plan reads from snapshots and event history.
type Plans struct{ store PlanStore }

// NewPlans refuses a nil store.
func NewPlans(store PlanStore) (*Plans, error) {
	if store == nil {
		return nil, errors.New("queries: nil plan store")
	}
	return &Plans{store: store}, nil
}

// Get returns the current plan; a deleted plan is not found.
func (q *Plans) Get(ctx context.Context, planID string) (PlanView, error) {
	snap, err := q.loadSnapshot(ctx, planID)
	if err != nil {
		return PlanView{}, fmt.Errorf("get plan %s: %w", planID, err)
	}
	if snap.Deleted {
		return PlanView{}, fmt.Errorf("get plan %s: deleted at version %d: %w", planID, snap.Version, events.ErrNotFound)
	}
	return PlanView{Version: snap.Version, Document: snap.Document}, nil
}

// History returns every event of a plan in version order, deleted plans included: the
// audit trail outlives the plan.
func (q *Plans) History(ctx context.Context, planID string) ([]events.Envelope, error) {
	_, evs, err := q.locate(ctx, planID)
	if err != nil {
		return nil, fmt.Errorf("history of plan %s: %w", planID, err)
	}
	return evs, nil
}
