package redisstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/storetest"

	"github.com/planstore/planstore/transport/testenv"
)

// The acceptance suite checks PutSnapshot against the aggregate's last event
// (storetest's PutSnapshotChecksTheLastEvent); on Redis it must also leave the snapshot
// alone while a write of the aggregate is under way.
func TestPutSnapshotLeavesAnOpenTransactionAlone(t *testing.T) {
	s := opener{url: testenv.StartRedisServer(t)}.open(t)
	defer s.Close()
	ctx := context.Background()
	p := storetest.NewPlan("p1", 1)
	if err := s.Append(ctx, storetest.CreateCommit(p)); err != nil {
		t.Fatal(err)
	}
	// An ownership transaction of the aggregate is open: leave it alone.
	if err := s.rdb.Set(ctx, s.keys.txn("p1"), "someone", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSnapshot(ctx, events.Snapshot{AggregateID: "p1", Version: 1, Document: p.Doc}); !errors.Is(err, events.ErrVersionConflict) {
		t.Fatalf("put during a transaction: %v, want a version conflict", err)
	}
}
