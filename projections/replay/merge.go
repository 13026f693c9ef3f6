package replay

import (
	"encoding/json"
	"fmt"

	"github.com/planstore/planstore/events"
)

// mergeRuns folds the events each plan has in one page into a single event, which then
// goes through projections.Actions like any other: the last event, with the first
// event's before state. Events are self-contained (before and after), so that event
// brings the plan's documents from the state before the page to the state after it:
// it indexes the last after state at the last version and deletes, at that version,
// whatever the plan had before the page and no longer has. Objects that appeared and
// went again within the page were never written to the index by earlier pages, and
// are rightly never written now. The index ends exactly as if every event had been
// applied in order, with a fraction of the JSON work and of the index writes; a replay
// otherwise writes every version of every plan.
//
// Plans keep their relative order: a plan's merged event takes the place of its last
// event in the page. Intermediate events are still checked for a known type, so a log
// with an event this build cannot project fails the replay as it would fail the live
// projector.
func mergeRuns(entries []events.LogEntry) ([]events.LogEntry, error) {
	type plan struct {
		last   int
		before json.RawMessage
	}
	plans := make(map[aggregateKey]*plan, len(entries))
	for i, entry := range entries {
		e := entry.Event
		if err := checkProjectable(e); err != nil {
			return nil, fmt.Errorf("position %s: %w", entry.Position, err)
		}
		k := aggregateKey{e.AggregateType, e.AggregateID}
		if p, seen := plans[k]; seen {
			p.last = i
			continue
		}
		plans[k] = &plan{last: i, before: e.Data.Before}
	}
	if len(plans) == len(entries) {
		return entries, nil
	}
	merged := make([]events.LogEntry, 0, len(plans))
	for i, entry := range entries {
		p := plans[aggregateKey{entry.Event.AggregateType, entry.Event.AggregateID}]
		if p.last != i {
			continue
		}
		entry.Event.Data.Before = p.before
		merged = append(merged, entry)
	}
	return merged, nil
}

type aggregateKey struct{ typ, id string }

// checkProjectable refuses what projections.Actions would refuse without looking at
// the states: an unknown type or a version below 1.
func checkProjectable(e events.Envelope) error {
	if !isPlan(e) {
		return nil
	}
	switch e.Type {
	case events.PlanCreated, events.PlanReplaced, events.PlanPatched, events.PlanDeleted:
	default:
		return fmt.Errorf("event %s of %s: unknown event type %q", e.ID, e.AggregateID, e.Type)
	}
	if e.Version < 1 {
		return fmt.Errorf("event %s (%s of %s): version %d is not positive", e.ID, e.Type, e.AggregateID, e.Version)
	}
	return nil
}
