package queries

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/planstore/planstore/events"
)

// ErrNotThen is returned, wrapped with events.ErrNotFound, when a plan did not exist (or
// was deleted) at the version or time asked for.
var ErrNotThen = errors.New("the plan did not exist then")

// GetVersion returns the plan as it was right after the event of that version: the
// event log is the truth, so any past state is as exact as the current one. A version
// whose event deleted the plan is not found; the version before it holds its last state.
func (q *Plans) GetVersion(ctx context.Context, planID string, version int64) (PlanView, error) {
	_, evs, err := q.locate(ctx, planID)
	if err != nil {
		return PlanView{}, fmt.Errorf("plan %s at version %d: %w", planID, version, err)
	}
	for i := range evs {
		if evs[i].Version == version {
			return viewAfter(planID, &evs[i])
		}
	}
	return PlanView{}, fmt.Errorf("plan %s has no version %d: %w", planID, version, events.ErrNotFound)
}

// GetAsOf returns the plan as it was at the instant at: the state after the last event
// that occurred at or before it.
func (q *Plans) GetAsOf(ctx context.Context, planID string, at time.Time) (PlanView, error) {
	_, evs, err := q.locate(ctx, planID)
	if err != nil {
		return PlanView{}, fmt.Errorf("plan %s as of %s: %w", planID, at.Format(time.RFC3339Nano), err)
	}
	var last *events.Envelope
	for i := range evs {
		if evs[i].OccurredAt.After(at) {
			break // versions are in commit order, and so are their times
		}
		last = &evs[i]
	}
	if last == nil {
		return PlanView{}, fmt.Errorf("plan %s as of %s: %w: %w", planID, at.Format(time.RFC3339Nano), ErrNotThen, events.ErrNotFound)
	}
	return viewAfter(planID, last)
}

// viewAfter is the plan's state after ev; a delete leaves nothing to show.
func viewAfter(planID string, ev *events.Envelope) (PlanView, error) {
	if ev.Type == events.PlanDeleted || isNull(ev.Data.After) {
		return PlanView{}, fmt.Errorf("plan %s was deleted at version %d: %w: %w", planID, ev.Version, ErrNotThen, events.ErrNotFound)
	}
	return PlanView{Version: ev.Version, Document: ev.Data.After}, nil
}

func isNull(raw []byte) bool {
	return len(raw) == 0 || string(raw) == "null"
}
