package queries

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/tenancy"
)

// ErrNotYours is wrapped with events.ErrNotFound when a plan id names nothing within the
// caller's organisations: to the caller, another organisation's plan does not exist,
// and it is told so in exactly the words of a plan nobody has.
var ErrNotYours = errors.New("no such plan")

// Locate returns the store key of planID within the caller's organisations (see
// tenancy): the first of the caller's namespaces holding a plan of that organisation,
// live or deleted, with its history. The audit trail and every read go through it.
func (q *Plans) Locate(ctx context.Context, planID string) (string, error) {
	key, _, err := q.locate(ctx, planID)
	return key, err
}

// LocateHistory is Locate, also returning the plan's events in version order (the
// audit trail is made of them).
func (q *Plans) LocateHistory(ctx context.Context, planID string) (string, []events.Envelope, error) {
	return q.locate(ctx, planID)
}

// locate is Locate, also returning the plan's events, read once.
func (q *Plans) locate(ctx context.Context, planID string) (string, []events.Envelope, error) {
	access := tenancy.FromContext(ctx)
	for _, org := range access.Candidates() {
		key := access.Key(org, planID)
		evs, err := q.store.Events(ctx, key)
		if errors.Is(err, events.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", nil, fmt.Errorf("plan %s: %w", planID, err)
		}
		if len(evs) == 0 || (!access.All() && orgOfHistory(evs) != org) {
			continue // the default namespace holds pre-tenancy plans of every _org
		}
		return key, evs, nil
	}
	return "", nil, fmt.Errorf("plan %s: %w: %w", planID, ErrNotYours, events.ErrNotFound)
}

// loadSnapshot is the current snapshot of planID within the caller's organisations.
func (q *Plans) loadSnapshot(ctx context.Context, planID string) (events.Snapshot, error) {
	access := tenancy.FromContext(ctx)
	for _, org := range access.Candidates() {
		snap, err := q.store.Load(ctx, access.Key(org, planID))
		if errors.Is(err, events.ErrNotFound) {
			continue
		}
		if err != nil {
			return events.Snapshot{}, err
		}
		if snap.Deleted {
			continue
		}
		if owner, err := tenancy.OrgOf(snap.Document); !access.All() && (err != nil || owner != org) {
			continue
		}
		return snap, nil
	}
	return events.Snapshot{}, fmt.Errorf("%w: %w", ErrNotYours, events.ErrNotFound)
}

// orgOfHistory is the _org a plan's history records: the first state it holds (a plan
// never changes organisation).
func orgOfHistory(evs []events.Envelope) string {
	for _, e := range evs {
		for _, state := range []json.RawMessage{e.Data.After, e.Data.Before} {
			if isNull(state) {
				continue
			}
			if org, err := tenancy.OrgOf(state); err == nil {
				return org
			}
		}
	}
	return ""
}
