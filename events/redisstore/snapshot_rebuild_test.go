package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/storetest"
)

// PutSnapshot overwrites a snapshot only while it describes the aggregate's last event
// and no write of the aggregate is under way.
func TestPutSnapshotChecksTheLastEvent(t *testing.T) {
	s := opener{url: startRedisServer(t)}.open(t)
	defer s.Close()
	ctx := context.Background()
	p := storetest.NewPlan("p1", 1)
	if err := s.Append(ctx, storetest.CreateCommit(p)); err != nil {
		t.Fatal(err)
	}
	p2 := storetest.NewPlan("p1", 2)
	if err := s.Append(ctx, storetest.ReplaceCommit(p, p2, 1)); err != nil {
		t.Fatal(err)
	}

	damaged := json.RawMessage(`{"objectId":"p1","damaged":true}`)
	if err := s.PutSnapshot(ctx, events.Snapshot{AggregateID: "p1", Version: 1, Document: damaged}); !errors.Is(err, events.ErrVersionConflict) {
		t.Fatalf("put at an old version: %v, want a version conflict", err)
	}
	if err := s.PutSnapshot(ctx, events.Snapshot{AggregateID: "p1", Version: 2, Document: damaged}); err != nil {
		t.Fatalf("put at the last version: %v", err)
	}
	if got, err := s.Load(ctx, "p1"); err != nil || got.Version != 2 || string(got.Document) != string(damaged) {
		t.Fatalf("load after put: %+v, %v", got, err)
	}
	if err := s.PutSnapshot(ctx, events.Snapshot{AggregateID: "p1", Version: 2, Deleted: true}); err != nil {
		t.Fatalf("put a deleted snapshot: %v", err)
	}
	if got, err := s.Load(ctx, "p1"); err != nil || !got.Deleted || got.Document != nil {
		t.Fatalf("load after deleting put: %+v, %v", got, err)
	}
	if err := s.PutSnapshot(ctx, events.Snapshot{AggregateID: "nobody", Version: 1, Document: damaged}); !errors.Is(err, events.ErrNotFound) {
		t.Fatalf("put for an aggregate without events: %v, want not found", err)
	}

	// An ownership transaction of the aggregate is open: leave it alone.
	if err := s.rdb.Set(ctx, s.keys.txn("p1"), "someone", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSnapshot(ctx, events.Snapshot{AggregateID: "p1", Version: 2, Document: p2.Doc}); !errors.Is(err, events.ErrVersionConflict) {
		t.Fatalf("put during a transaction: %v, want a version conflict", err)
	}

	for name, bad := range map[string]events.Snapshot{
		"no id":           {Version: 1, Document: damaged},
		"version 0":       {AggregateID: "p1", Document: damaged},
		"deleted and doc": {AggregateID: "p1", Version: 2, Deleted: true, Document: damaged},
		"no doc":          {AggregateID: "p1", Version: 2},
		"bad json":        {AggregateID: "p1", Version: 2, Document: json.RawMessage(`{`)},
	} {
		if err := s.PutSnapshot(ctx, bad); err == nil || errors.Is(err, events.ErrVersionConflict) {
			t.Errorf("%s: %v, want a validation error", name, err)
		}
	}
}
