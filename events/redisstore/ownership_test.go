package redisstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/storetest"
)

// These tests stage what a writer that dies mid-transaction leaves behind, which the
// public API cannot produce on purpose, and check the guarantees of ownership.go.

// foreignID returns an objectId whose ownership record is not in aggregateID's slot.
func foreignID(s *Store, aggregateID, base string) string {
	for i := 0; ; i++ {
		id := fmt.Sprintf("%s-%d", base, i)
		if s.keys.partitionOf(id) != s.keys.partitionOf(aggregateID) {
			return id
		}
	}
}

func TestAbandonedTransactionIsFencedByItsLease(t *testing.T) {
	const lease = 300 * time.Millisecond
	s := opener{url: startRedisServer(t), opts: []Option{WithTxnLease(lease)}}.open(t)
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()

	// A writer begins creating plan-crashed, reserves its objectIds, and dies.
	crashed := storetest.NewPlan("plan-crashed", 1, foreignID(s, "plan-crashed", "reserved"))
	w, err := s.prepare(storetest.CreateCommit(crashed))
	if err != nil {
		t.Fatal(err)
	}
	const token = "dead-writer"
	toClaim, out, err := s.begin(ctx, w, token)
	if err != nil || out != nil || len(toClaim) == 0 {
		t.Fatalf("begin: %v %v %v", toClaim, out, err)
	}
	if out, err := s.reserve(ctx, w, token, toClaim); err != nil || out != nil {
		t.Fatalf("reserve: %v %v", out, err)
	}

	// Another plan wants a reserved objectId: it waits for the lease, then takes it.
	contested := crashed.ObjectIDs[1]
	start := time.Now()
	if err := s.Append(ctx, storetest.CreateCommit(storetest.NewPlan("plan-next", 1, contested))); err != nil {
		t.Fatalf("claim after the lease: %v", err)
	}
	if waited := time.Since(start); waited < lease/2 {
		t.Errorf("took a live reservation after %v, lease is %v", waited, lease)
	}

	// The dead writer wakes up and tries to commit: the fence stops it.
	call := s.appendCall(w, token)
	runScripts(ctx, s.rdb, []*scriptCall{call})
	if r, err := parseReply(call.cmd); err != nil || r.status() != "lease" {
		t.Fatalf("late commit: want lease, got %v %v", r, err)
	}
	if _, err := s.Load(ctx, crashed.ID); !errors.Is(err, events.ErrNotFound) {
		t.Fatalf("the late commit landed: %v", err)
	}
	// Its other reservations are stale and heal on the next claim.
	if err := s.Append(ctx, storetest.CreateCommit(storetest.NewPlan("plan-third", 1, crashed.ObjectIDs[2]))); err != nil {
		t.Fatalf("claim a stale reservation: %v", err)
	}
}

func TestUnfinalizedReleaseHeals(t *testing.T) {
	s := opener{url: startRedisServer(t)}.open(t)
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()

	moved := foreignID(s, "plan-a", "moved")
	a1 := storetest.NewPlan("plan-a", 1, moved)
	a2 := storetest.NewPlan("plan-a", 2, "plan-a-new")
	for _, c := range []events.Commit{storetest.CreateCommit(a1), storetest.ReplaceCommit(a1, a2, 1)} {
		if err := s.Append(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// The writer died before finalize deleted the released record.
	if err := s.rdb.HSet(ctx, s.keys.owner(moved), "owner", "plan-a", "gen", 7, "ver", 1, "pend", "").Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(ctx, storetest.CreateCommit(storetest.NewPlan("plan-b", 1, moved))); err != nil {
		t.Fatalf("claim an objectId whose release was not finalized: %v", err)
	}
}

func TestLateFinalizeKeepsNewerClaim(t *testing.T) {
	s := opener{url: startRedisServer(t)}.open(t)
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()

	moved := foreignID(s, "plan-a", "moved")
	a1 := storetest.NewPlan("plan-a", 1, moved)
	a2 := storetest.NewPlan("plan-a", 2, "plan-a-new")
	release := storetest.ReplaceCommit(a1, a2, 1)
	for _, c := range []events.Commit{storetest.CreateCommit(a1), release, storetest.ReplaceCommit(a2, a1, 2)} {
		if err := s.Append(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// The clean-up of version 2's release arrives after version 3 claimed moved back.
	w, err := s.prepare(release)
	if err != nil {
		t.Fatal(err)
	}
	s.finalize(ctx, w, "", nil)

	var taken *events.ObjectIDTakenError
	err = s.Append(ctx, storetest.CreateCommit(storetest.NewPlan("plan-b", 1, moved)))
	if !errors.As(err, &taken) || taken.Owner != "plan-a" {
		t.Fatalf("a late release deleted a newer claim: got %v", err)
	}
}
