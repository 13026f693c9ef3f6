package projections

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/events"
)

func planEvent(typ events.Type, version int64, before, after []byte) events.Envelope {
	return events.Envelope{
		ID: "e1", Type: typ, SchemaVersion: 1, AggregateType: events.AggregateTypePlan,
		AggregateID: examplePlanID, Version: version,
		Data: events.Data{Before: before, After: after},
	}
}

func opsByID(actions []Action) map[string]Op {
	m := make(map[string]Op, len(actions))
	for _, a := range actions {
		m[a.Doc.ID] = a.Op
	}
	return m
}

func idsWith(actions []Action, op Op) []string {
	var ids []string
	for _, a := range actions {
		if a.Op == op {
			ids = append(ids, a.Doc.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

func TestActionsCreateIndexesEveryObject(t *testing.T) {
	actions, err := Actions(planEvent(events.PlanCreated, 1, json.RawMessage("null"), exampleplan.JSON()))
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) != 8 {
		t.Fatalf("got %d actions, want 8", len(actions))
	}
	for _, a := range actions {
		if a.Op != OpIndex || a.Version != 1 || a.Doc.Routing != examplePlanID || len(a.Doc.Source) == 0 {
			t.Errorf("unexpected action %+v", a)
		}
	}
}

func TestActionsPatchDeletesRemovedObjects(t *testing.T) {
	actions, err := Actions(planEvent(events.PlanPatched, 4, exampleplan.JSON(), exampleplan.WithoutSecondService(t, exampleplan.JSON())))
	if err != nil {
		t.Fatal(err)
	}
	deleted := idsWith(actions, OpDelete)
	want := []string{"1234512xvc1314sdfsd-506", "1234520xvc30sfs-505", "27283xvx9sdf-507"}
	if strings.Join(deleted, ",") != strings.Join(want, ",") {
		t.Fatalf("deleted %v, want %v", deleted, want)
	}
	if n := len(idsWith(actions, OpIndex)); n != 5 {
		t.Fatalf("indexed %d docs, want 5", n)
	}
	for _, a := range actions {
		if a.Version != 4 || a.Doc.Routing != examplePlanID {
			t.Errorf("unexpected action %+v", a)
		}
		if a.Op == OpDelete && a.Doc.Source != nil {
			t.Errorf("delete carries a source: %+v", a)
		}
	}
}

func TestActionsDeleteRemovesEveryObject(t *testing.T) {
	actions, err := Actions(planEvent(events.PlanDeleted, 5, exampleplan.JSON(), json.RawMessage("null")))
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) != 8 || len(idsWith(actions, OpDelete)) != 8 {
		t.Fatalf("got %v", opsByID(actions))
	}
}

func TestActionsDeleteWithoutBeforeStillDeletesThePlan(t *testing.T) {
	actions, err := Actions(planEvent(events.PlanDeleted, 5, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) != 1 || actions[0].Op != OpDelete || actions[0].Doc.ID != examplePlanID || actions[0].Doc.Routing != examplePlanID {
		t.Fatalf("got %+v", actions)
	}
}

func TestActionsIgnoresOtherAggregates(t *testing.T) {
	e := planEvent(events.PlanCreated, 1, nil, exampleplan.JSON())
	e.AggregateType = "invoice"
	actions, err := Actions(e)
	if err != nil || len(actions) != 0 {
		t.Fatalf("got %v, %v", actions, err)
	}
}

func TestActionsRefusesMalformedEvents(t *testing.T) {
	plan := exampleplan.JSON()
	other := []byte(`{"objectId":"someone-else"}`)
	cases := map[string]events.Envelope{
		"zero version":     planEvent(events.PlanCreated, 0, nil, plan),
		"missing after":    planEvent(events.PlanReplaced, 2, plan, json.RawMessage("null")),
		"unknown type":     planEvent("plan.archived", 2, plan, plan),
		"wrong aggregate":  planEvent(events.PlanCreated, 1, nil, other),
		"bad before":       planEvent(events.PlanPatched, 2, []byte(`{"objectId":1}`), plan),
		"wrong before":     planEvent(events.PlanDeleted, 2, other, nil),
		"bad after object": planEvent(events.PlanCreated, 1, nil, []byte(`{"objectId":"`+examplePlanID+`","planCostShares":1}`)),
	}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Actions(e)
			if !errors.Is(err, ErrInvalidEvent) {
				t.Fatalf("got %v, want ErrInvalidEvent", err)
			}
		})
	}
}
