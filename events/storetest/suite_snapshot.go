package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/planstore/planstore/events"
)

// SnapshotPutter is a store that can overwrite an aggregate's snapshot, which is how
// snapshots are rebuilt from the log (replay.RebuildSnapshots). It is not part of Store,
// so the suite's snapshot checks skip a store without it.
type SnapshotPutter interface {
	// PutSnapshot overwrites the snapshot only while snap.Version is the aggregate's last
	// event (events.ErrVersionConflict otherwise, events.ErrNotFound without events).
	PutSnapshot(ctx context.Context, snap events.Snapshot) error
}

// testPutSnapshotChecksTheLastEvent: PutSnapshot overwrites a snapshot only while it
// describes the aggregate's last event, and refuses snapshots that are not valid.
func testPutSnapshotChecksTheLastEvent(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	putter, ok := s.(SnapshotPutter)
	if !ok {
		t.Skipf("%T cannot put snapshots", s)
	}
	ctx := testContext(t)
	p := NewPlan("p1", 1)
	mustAppend(t, s, CreateCommit(p))
	// Another aggregate whose id extends p1's with a NUL byte must not be taken for it.
	qDoc := json.RawMessage(`{"objectId":"p1\u0000x"}`)
	mustAppend(t, s, events.Commit{AggregateID: "p1\x00x", Snapshot: qDoc,
		Events: []events.Envelope{NewEvent("p1\x00x", 1, events.PlanCreated, nil, qDoc)}})
	mustAppend(t, s, ReplaceCommit(p, NewPlan("p1", 2), 1))

	damaged := json.RawMessage(`{"objectId":"p1","damaged":true}`)
	if err := putter.PutSnapshot(ctx, events.Snapshot{AggregateID: "p1", Version: 1, Document: damaged}); !errors.Is(err, events.ErrVersionConflict) {
		t.Fatalf("put at an old version: %v, want a version conflict", err)
	}
	if err := putter.PutSnapshot(ctx, events.Snapshot{AggregateID: "p1", Version: 2, Document: damaged}); err != nil {
		t.Fatalf("put at the last version: %v", err)
	}
	if got := mustLoad(t, s, "p1"); got.Version != 2 || !sameJSON(got.Document, damaged) {
		t.Fatalf("load after put: %+v", got)
	}
	if err := putter.PutSnapshot(ctx, events.Snapshot{AggregateID: "p1", Version: 2, Deleted: true}); err != nil {
		t.Fatalf("put a deleted snapshot: %v", err)
	}
	if got := mustLoad(t, s, "p1"); !got.Deleted || got.Document != nil {
		t.Fatalf("load after deleting put: %+v", got)
	}
	if err := putter.PutSnapshot(ctx, events.Snapshot{AggregateID: "nobody", Version: 1, Document: damaged}); !errors.Is(err, events.ErrNotFound) {
		t.Fatalf("put for an aggregate without events: %v, want not found", err)
	}
	for name, bad := range map[string]events.Snapshot{
		"no id":           {Version: 1, Document: damaged},
		"version 0":       {AggregateID: "p1", Document: damaged},
		"deleted and doc": {AggregateID: "p1", Version: 2, Deleted: true, Document: damaged},
		"no doc":          {AggregateID: "p1", Version: 2},
		"bad json":        {AggregateID: "p1", Version: 2, Document: json.RawMessage(`{`)},
	} {
		if err := putter.PutSnapshot(ctx, bad); err == nil || errors.Is(err, events.ErrVersionConflict) {
			t.Errorf("%s: %v, want a validation error", name, err)
		}
	}
}
