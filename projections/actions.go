package projections

import (
	"errors"
	"fmt"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/tenancy"
)

// ErrInvalidEvent marks an event no retry can project (malformed state, unknown type):
// a consumer can dead-letter it at once instead of retrying.
var ErrInvalidEvent = errors.New("invalid event")

// Op is what a write does to one document.
type Op string

// The two operations a projection needs: a whole-document index (never a partial
// update, so the document is exactly the event's state) and a delete.
const (
	OpIndex  Op = "index"
	OpDelete Op = "delete"
)

// Action is one document write guarded by the aggregate version. Written with
// Elasticsearch's external versioning, an action whose Version is not above the stored
// one is refused with a version conflict, which is what makes redelivered and
// out-of-order events harmless.
type Action struct {
	Op Op
	// Doc is the document to index; for a delete only ID and Routing are set.
	Doc     Doc
	Version int64
}

// Actions turns one plan event into the writes that bring the read model to the
// event's state: index every object of After, and delete every object Before had that
// After lacks. plan.deleted deletes every object of Before, and the plan itself even
// when Before is missing. Events of other aggregates give no action.
func Actions(e events.Envelope) ([]Action, error) {
	if e.AggregateType != "" && e.AggregateType != events.AggregateTypePlan {
		return nil, nil
	}
	if e.Version < 1 {
		return nil, fmt.Errorf("projections: event %s (%s of %s): %w: version %d is not positive", e.ID, e.Type, e.AggregateID, ErrInvalidEvent, e.Version)
	}
	before, after, err := states(e)
	if err != nil {
		return nil, fmt.Errorf("projections: event %s (%s v%d of %s): %w: %w", e.ID, e.Type, e.Version, e.AggregateID, ErrInvalidEvent, err)
	}
	actions := make([]Action, 0, len(after)+len(before))
	for _, d := range after {
		actions = append(actions, Action{Op: OpIndex, Doc: d, Version: e.Version})
	}
	if len(before) == 0 {
		return actions, nil
	}
	kept := keptIDs(after)
	for _, d := range before {
		if !kept(d.ID) {
			actions = append(actions, Action{Op: OpDelete, Doc: Doc{ID: d.ID, Routing: d.Routing}, Version: e.Version})
		}
	}
	return actions, nil
}

// keptIDs reports whether an id is among docs. A plan has a handful of objects, which a
// scan finds faster than a map costs to build; large plans get the map.
func keptIDs(docs []Doc) func(id string) bool {
	if len(docs) <= 32 {
		return func(id string) bool {
			for _, d := range docs {
				if d.ID == id {
					return true
				}
			}
			return false
		}
	}
	set := make(map[string]bool, len(docs))
	for _, d := range docs {
		set[d.ID] = true
	}
	return func(id string) bool { return set[id] }
}

// states returns the documents of the event's before and after states.
func states(e events.Envelope) (before, after []Doc, err error) {
	if _, ok := present(e.Data.Before); ok {
		if before, err = planDocuments(e.Data.Before, "before", e.AggregateID); err != nil {
			return nil, nil, err
		}
	}
	switch e.Type {
	case events.PlanDeleted:
		// After is ignored: a deletion leaves nothing, whatever the payload says.
		if len(before) == 0 && e.AggregateID != "" {
			before = []Doc{{ID: e.AggregateID, Routing: e.AggregateID}}
		}
		return before, nil, nil
	case events.PlanCreated, events.PlanReplaced, events.PlanPatched:
		if _, ok := present(e.Data.After); !ok {
			return nil, nil, fmt.Errorf("after: missing, but a %s event must carry the new state", e.Type)
		}
		if after, err = planDocuments(e.Data.After, "after", e.AggregateID); err != nil {
			return nil, nil, err
		}
		return before, after, nil
	default:
		// Guessing at an unknown type could delete a live plan; failing sends the event
		// to the dead-letter queue where someone can look at it.
		return nil, nil, fmt.Errorf("unknown event type %q", e.Type)
	}
}

// planDocuments decodes one state and checks it is the plan the event is about: a
// mismatch would route documents to the wrong plan.
func planDocuments(state []byte, which, aggregateID string) ([]Doc, error) {
	docs, err := Documents(state)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", which, err)
	}
	if aggregateID != "" && docs[0].ID != tenancy.Bare(aggregateID) {
		return nil, fmt.Errorf("%s: plan objectId %q is not the event's aggregate %q", which, docs[0].ID, aggregateID)
	}
	return qualifyDocs(tenancy.Prefix(aggregateID), docs)
}
