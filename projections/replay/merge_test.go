package replay

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/planstore/planstore/events"
)

func entry(pos, id string, version int64, typ events.Type, before, after string) events.LogEntry {
	raw := func(s string) json.RawMessage {
		if s == "" {
			return nil
		}
		return json.RawMessage(s)
	}
	return events.LogEntry{Position: pos, Event: events.Envelope{ID: pos, Type: typ, AggregateType: events.AggregateTypePlan,
		AggregateID: id, Version: version, Data: events.Data{Before: raw(before), After: raw(after)}}}
}

// Each plan's events in a page become its last event with its first before state, in
// the place of its last event.
func TestMergeRunsKeepsLastEventWithFirstBefore(t *testing.T) {
	in := []events.LogEntry{
		entry("1", "a", 3, events.PlanPatched, `"a2"`, `"a3"`),
		entry("2", "b", 1, events.PlanCreated, ``, `"b1"`),
		entry("3", "a", 4, events.PlanReplaced, `"a3"`, `"a4"`),
		entry("4", "b", 2, events.PlanDeleted, `"b1"`, ``),
		entry("5", "a", 5, events.PlanPatched, `"a4"`, `"a5"`),
	}
	got, err := mergeRuns(in)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, e := range got {
		seen = append(seen, e.Position+":"+e.Event.AggregateID+":"+string(e.Event.Data.Before)+">"+string(e.Event.Data.After))
	}
	want := `4:b:>,5:a:"a2">"a5"`
	if strings.Join(seen, ",") != want {
		t.Errorf("merged %v, want %s", seen, want)
	}
	if got[1].Event.Type != events.PlanPatched || got[1].Event.Version != 5 || got[0].Event.Type != events.PlanDeleted {
		t.Errorf("merged events keep the last event's type and version: %+v", got)
	}
}

// An event the projector could not handle fails the page even when a later event of
// its plan would hide it.
func TestMergeRunsRefusesUnknownEvents(t *testing.T) {
	in := []events.LogEntry{
		entry("1", "a", 1, events.PlanCreated, ``, `"a1"`),
		entry("2", "a", 2, "plan.archived", `"a1"`, `"a2"`),
		entry("3", "a", 3, events.PlanPatched, `"a2"`, `"a3"`),
	}
	if _, err := mergeRuns(in); err == nil || !strings.Contains(err.Error(), "plan.archived") {
		t.Fatalf("merge over an unknown event type: %v", err)
	}
}
