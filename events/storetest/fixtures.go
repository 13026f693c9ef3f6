package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/planstore/planstore/events"
)

// Plan is a test plan: the document the command side would store and the objectIds it
// owns. The document has the shape of the example plan of docs/contract.md 2 (about 1.3 KB), so sizes in
// benchmarks are realistic.
type Plan struct {
	ID        string
	ObjectIDs []string // ID first, then the seven children
	Doc       json.RawMessage
}

// childCount is how many objects hang below a plan in the example document.
const childCount = 7

// NewPlan returns a plan whose children carry childIDs, in document order; missing ones
// (or empty) are derived from id so they are unique to this plan. copay varies the content, so two
// versions of one plan differ.
func NewPlan(id string, copay int, childIDs ...string) Plan {
	ids := make([]string, 0, childCount+1)
	ids = append(ids, id)
	for i := range childCount {
		if i < len(childIDs) && childIDs[i] != "" {
			ids = append(ids, childIDs[i])
		} else {
			ids = append(ids, fmt.Sprintf("%s-c%d", id, i+1))
		}
	}
	doc := fmt.Sprintf(planTemplate, ids[1], ids[2], ids[3], ids[4], ids[5], copay, ids[6], ids[7], ids[0])
	return Plan{ID: id, ObjectIDs: ids, Doc: json.RawMessage(doc)}
}

// planTemplate is aggregates/plan/exampleplan/plan.json with its objectIds and one copay as parameters.
const planTemplate = `{
  "planCostShares": {"deductible": 2000, "_org": "example.com", "copay": 23, "objectId": %q, "objectType": "membercostshare"},
  "linkedPlanServices": [
    {
      "linkedService": {"_org": "example.com", "objectId": %q, "objectType": "service", "name": "Yearly physical"},
      "planserviceCostShares": {"deductible": 10, "_org": "example.com", "copay": 0, "objectId": %q, "objectType": "membercostshare"},
      "_org": "example.com", "objectId": %q, "objectType": "planservice"
    },
    {
      "linkedService": {"_org": "example.com", "objectId": %q, "objectType": "service", "name": "well baby"},
      "planserviceCostShares": {"deductible": 10, "_org": "example.com", "copay": %d, "objectId": %q, "objectType": "membercostshare"},
      "_org": "example.com", "objectId": %q, "objectType": "planservice"
    }
  ],
  "_org": "example.com", "objectId": %q, "objectType": "plan", "planType": "inNetwork", "creationDate": "12-12-2017"
}`

// NewEvent returns a current-schema event of a plan.
func NewEvent(aggregateID string, version int64, typ events.Type, before, after json.RawMessage) events.Envelope {
	return events.Envelope{
		ID:            uuid.NewString(),
		Type:          typ,
		SchemaVersion: events.CurrentSchemaVersion,
		AggregateType: events.AggregateTypePlan,
		AggregateID:   aggregateID,
		Version:       version,
		OccurredAt:    time.Now().UTC(),
		Actor:         "storetest",
		CorrelationID: uuid.NewString(),
		Data:          events.Data{Before: orNull(before), After: orNull(after)},
	}
}

func orNull(doc json.RawMessage) json.RawMessage {
	if doc == nil {
		return json.RawMessage("null")
	}
	return doc
}

// CreateCommit is the commit of POST: version 1, claiming every objectId of p.
func CreateCommit(p Plan) events.Commit {
	return events.Commit{
		AggregateID:    p.ID,
		Events:         []events.Envelope{NewEvent(p.ID, 1, events.PlanCreated, nil, p.Doc)},
		Snapshot:       p.Doc,
		ClaimObjectIDs: slices.Clone(p.ObjectIDs),
	}
}

// ReplaceCommit is the commit of PUT from before to after at expected: it claims the
// objectIds of after and releases those of before that after no longer has.
func ReplaceCommit(before, after Plan, expected int64) events.Commit {
	return events.Commit{
		AggregateID:      after.ID,
		ExpectedVersion:  expected,
		Events:           []events.Envelope{NewEvent(after.ID, expected+1, events.PlanReplaced, before.Doc, after.Doc)},
		Snapshot:         after.Doc,
		ClaimObjectIDs:   slices.Clone(after.ObjectIDs),
		ReleaseObjectIDs: without(before.ObjectIDs, after.ObjectIDs),
	}
}

// DeleteCommit is the commit of DELETE: no snapshot, every objectId released.
func DeleteCommit(p Plan, expected int64) events.Commit {
	return events.Commit{
		AggregateID:      p.ID,
		ExpectedVersion:  expected,
		Events:           []events.Envelope{NewEvent(p.ID, expected+1, events.PlanDeleted, p.Doc, nil)},
		ReleaseObjectIDs: slices.Clone(p.ObjectIDs),
	}
}

// RecreateCommit is the commit of a POST that brings a deleted plan back at expected.
func RecreateCommit(p Plan, expected int64) events.Commit {
	c := CreateCommit(p)
	c.ExpectedVersion = expected
	c.Events[0].Version = expected + 1
	return c
}

func without(all, keep []string) []string {
	var out []string
	for _, id := range all {
		if !slices.Contains(keep, id) {
			out = append(out, id)
		}
	}
	return out
}

// legacyActor is what the suite's upcaster writes into schema-0 events, which predate
// the actor field; seeing it proves a store decodes through its codec.
const legacyActor = "legacy-import"

// NewCodec returns the codec a store under test must decode with: it upcasts schema 0
// (events without an actor) to schema 1.
func NewCodec(tb testing.TB) *events.Codec {
	tb.Helper()
	c, err := events.NewCodec(events.Upcaster{
		From:    0,
		Purpose: "schema 0 had no actor: attribute old events to the import",
		Upcast: func(raw map[string]json.RawMessage) error {
			raw["actor"] = json.RawMessage(fmt.Sprintf("%q", legacyActor))
			return nil
		},
	})
	if err != nil {
		tb.Fatalf("storetest: codec: %v", err)
	}
	return c
}
