package events_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
)

func TestDecodeUpcastsSchemaVersionZero(t *testing.T) {
	codec := planCodec(t)
	old := []byte(`{"id":"e1","type":"plan.patched","schema_version":0,"aggregate_type":"plan",
		"aggregate_id":"p1","version":2,"occurred_at":"2020-01-02T03:04:05Z","actor":"a",
		"correlation_id":"c","data":{"old":{"objectId":"p1"},"new":{"objectId":"p1","x":1},"patch":{"x":1}}}`)
	e, err := codec.Decode(old)
	if err != nil {
		t.Fatal(err)
	}
	if e.SchemaVersion != events.CurrentSchemaVersion || string(e.Data.Before) != `{"objectId":"p1"}` ||
		string(e.Data.After) != `{"objectId":"p1","x":1}` || string(e.Data.Patch) != `{"x":1}` {
		t.Fatalf("not upcast: %+v", e)
	}
}

// TestDecodeStoredHandsBackTheStoredEncodingOnlyWhenItIsCurrent: a relay publishes the
// bytes the store holds when they are the current schema's encoding of the event; an
// upcast event has none, and is encoded anew.
func TestDecodeStoredHandsBackTheStoredEncodingOnlyWhenItIsCurrent(t *testing.T) {
	codec := planCodec(t)
	stored, err := codec.Encode(events.Envelope{ID: "e2", Type: events.PlanCreated, SchemaVersion: events.CurrentSchemaVersion,
		AggregateType: "plan", AggregateID: "p1", Version: 1, OccurredAt: time.Date(2026, 12, 8, 2, 0, 0, 5, time.UTC),
		Actor: "a", Data: events.Data{Before: json.RawMessage("null"), After: json.RawMessage(`{"objectId":"p1"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	e, encoded, err := codec.DecodeStored(stored)
	if err != nil || e.ID != "e2" || string(encoded) != string(stored) {
		t.Fatalf("current event: %+v, %s, %v", e, encoded, err)
	}
	if again, err := codec.Encode(e); err != nil || string(again) != string(encoded) {
		t.Errorf("the codec encodes the decoded event as %s (%v), the store held %s", again, err, encoded)
	}
	old := []byte(`{"id":"e1","type":"plan.patched","schema_version":0,"aggregate_type":"plan","aggregate_id":"p1",
		"version":2,"occurred_at":"2020-01-02T03:04:05Z","actor":"a","data":{"old":{},"new":{"x":1},"patch":{"x":1}}}`)
	if e, encoded, err := codec.DecodeStored(old); err != nil || e.SchemaVersion != events.CurrentSchemaVersion || encoded != nil {
		t.Fatalf("upcast event: %+v, %s, %v; want it upcast and no stored encoding", e, encoded, err)
	}
	if _, _, err := codec.DecodeStored([]byte("not json")); err == nil {
		t.Fatal("garbage decoded")
	}
}

func TestDecodeRefusesNewerSchemaAndGarbage(t *testing.T) {
	codec := planCodec(t)
	for _, b := range []string{`{"schema_version":99}`, `not json`, `{"schema_version":0,"data":7}`} {
		if _, err := codec.Decode([]byte(b)); err == nil {
			t.Fatalf("decoded %s", b)
		}
	}
}

func TestDuplicateUpcastersRefused(t *testing.T) {
	u := events.Upcaster{From: 0}
	if _, err := events.NewCodec(u, u); err == nil {
		t.Fatal("two upcasters from one version accepted")
	}
}

func TestPartitionOfIsStable(t *testing.T) {
	// Where existing data lives depends on this function: pinned values catch a change.
	for id, want := range map[string]int{"12xvxc345ssdsds-508": 1, "a": 12, "": 5} {
		if got := events.PartitionOf(id, 16); got != want {
			t.Fatalf("PartitionOf(%q) = %d, want %d", id, got, want)
		}
	}
}

// planCodec is the codec every plan event goes through, for a test to use.
func planCodec(tb testing.TB) *events.Codec {
	tb.Helper()
	codec, err := events.NewPlanCodec()
	if err != nil {
		tb.Fatal(err)
	}
	return codec
}
