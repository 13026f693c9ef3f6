package redisstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/storetest"

	"github.com/planstore/planstore/transport/testenv"
)

// These tests stage what a writer that dies mid-transaction leaves behind, which the
// public API cannot produce on purpose, and check the guarantees of ownership.go. Only
// the reservation protocol leaves such state, so a reservation-mode store stages it,
// and a store of each mode on the same server and prefix must then cope with it.

// appendModes are the two ways a store on a single server appends.
var appendModes = []struct {
	name string
	opts []Option
}{
	{"OneScript", nil},
	{"Reservation", []Option{WithReservationProtocol()}},
}

// forEachMode runs test once per append mode on one server: s is a store of that mode,
// crasher a reservation-mode store on the same keys, for staging. opts apply to both.
func forEachMode(t *testing.T, test func(t *testing.T, s, crasher *Store), opts ...Option) {
	url := testenv.StartRedisServer(t)
	for _, mode := range appendModes {
		t.Run(mode.name, func(t *testing.T) {
			// Both opens share the subtest's name, so they share its key prefix.
			s := opener{url: url, opts: append(mode.opts, opts...)}.open(t)
			crasher := opener{url: url, opts: append([]Option{WithReservationProtocol()}, opts...)}.open(t)
			t.Cleanup(func() { _ = s.Close(); _ = crasher.Close() })
			if wantOne := mode.opts == nil; s.oneScript != wantOne {
				t.Fatalf("store appends with one script: %v, want %v", s.oneScript, wantOne)
			}
			test(t, s, crasher)
		})
	}
}

// foreignID returns an objectId whose ownership record is not in aggregateID's slot.
func foreignID(s *Store, aggregateID, base string) string {
	for i := 0; ; i++ {
		id := fmt.Sprintf("%s-%d", base, i)
		if s.keys.partitionOf(id) != s.keys.partitionOf(aggregateID) {
			return id
		}
	}
}

// mustAppend appends the commits in order, failing the test at the first refusal.
func mustAppend(t *testing.T, s *Store, commits ...events.Commit) {
	t.Helper()
	for _, c := range commits {
		if err := s.Append(context.Background(), c); err != nil {
			t.Fatalf("append %s v%d: %v", c.AggregateID, c.ExpectedVersion+1, err)
		}
	}
}

// giveUpForeignID creates planID owning an objectId outside its slot, then replaces
// it by a version 2 that no longer has it; it returns the objectId and both versions.
func giveUpForeignID(t *testing.T, s *Store, planID string) (moved string, v1, v2 storetest.Plan) {
	t.Helper()
	moved = foreignID(s, planID, "moved")
	v1 = storetest.NewPlan(planID, 1, moved)
	v2 = storetest.NewPlan(planID, 2, planID+"-new")
	mustAppend(t, s, storetest.CreateCommit(v1), storetest.ReplaceCommit(v1, v2, 1))
	return moved, v1, v2
}

// assertOwnedBy checks a new plan claiming objectID is refused because owner has it.
func assertOwnedBy(t *testing.T, s *Store, objectID, owner string) {
	t.Helper()
	var taken *events.ObjectIDTakenError
	err := s.Append(context.Background(), storetest.CreateCommit(storetest.NewPlan("plan-claimer", 1, objectID)))
	if !errors.As(err, &taken) || taken.Owner != owner {
		t.Fatalf("claim of %s, owned by %s: got %v", objectID, owner, err)
	}
}

// beginDead stages a writer that began committing c in a transaction of its own and
// died: the transaction stays open until its lease runs out.
func beginDead(t *testing.T, crasher *Store, c events.Commit) (w *write, toClaim []string) {
	t.Helper()
	w, err := crasher.prepare(c)
	if err != nil {
		t.Fatal(err)
	}
	toClaim, out, err := crasher.begin(context.Background(), w, deadWriter)
	if err != nil || out != nil {
		t.Fatalf("begin: %v %v", out, err)
	}
	return w, toClaim
}

// deadWriter is the token of the writers beginDead stages.
const deadWriter = "dead-writer"

func TestAbandonedTransactionIsFencedByItsLease(t *testing.T) {
	const lease = 300 * time.Millisecond
	forEachMode(t, func(t *testing.T, s, crasher *Store) {
		ctx := context.Background()

		// A writer begins creating plan-crashed, reserves its objectIds, and dies.
		crashed := storetest.NewPlan("plan-crashed", 1, foreignID(s, "plan-crashed", "reserved"))
		w, toClaim := beginDead(t, crasher, storetest.CreateCommit(crashed))
		if len(toClaim) == 0 {
			t.Fatal("begin: nothing to claim")
		}
		if out, err := crasher.reserve(ctx, w, deadWriter, toClaim); err != nil || out != nil {
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
		call := crasher.appendCall(w, deadWriter)
		runScripts(ctx, crasher.rdb, []*scriptCall{call})
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
		// The crashed plan itself may be created after all, minus what others took.
		retry := storetest.NewPlan(crashed.ID, 2, "retry-1", "retry-2")
		if err := s.Append(ctx, storetest.CreateCommit(retry)); err != nil {
			t.Fatalf("create the crashed plan again: %v", err)
		}
	}, WithTxnLease(lease))
}

// A writer of the aggregate itself holds its txn lock: an append of the other mode
// waits for it rather than deciding on the same version.
func TestOpenTransactionOfTheAggregateIsWaitedFor(t *testing.T) {
	const lease = 300 * time.Millisecond
	forEachMode(t, func(t *testing.T, s, crasher *Store) {
		p := storetest.NewPlan("plan-locked", 1, foreignID(s, "plan-locked", "locked"))
		beginDead(t, crasher, storetest.CreateCommit(p))
		start := time.Now()
		if err := s.Append(context.Background(), storetest.CreateCommit(p)); err != nil {
			t.Fatalf("append after the lease: %v", err)
		}
		if waited := time.Since(start); waited < lease/2 {
			t.Errorf("appended beside a live transaction after %v, lease is %v", waited, lease)
		}
	}, WithTxnLease(lease))
}

func TestUnfinalizedReleaseHeals(t *testing.T) {
	forEachMode(t, func(t *testing.T, s, _ *Store) {
		ctx := context.Background()
		moved, _, _ := giveUpForeignID(t, s, "plan-a")
		// A cluster writer died before finalize deleted the released record.
		if err := s.rdb.HSet(ctx, s.keys.owner(moved), "owner", "plan-a", "gen", 7, "ver", 1, "pend", "").Err(); err != nil {
			t.Fatal(err)
		}
		if err := s.Append(ctx, storetest.CreateCommit(storetest.NewPlan("plan-b", 1, moved))); err != nil {
			t.Fatalf("claim an objectId whose release was not finalized: %v", err)
		}
	})
}

func TestLateFinalizeKeepsNewerClaim(t *testing.T) {
	forEachMode(t, func(t *testing.T, s, crasher *Store) {
		moved, a1, a2 := giveUpForeignID(t, s, "plan-a")
		mustAppend(t, s, storetest.ReplaceCommit(a2, a1, 2))
		// The clean-up of version 2's release arrives after version 3 claimed moved back.
		w, err := crasher.prepare(storetest.ReplaceCommit(a1, a2, 1))
		if err != nil {
			t.Fatal(err)
		}
		crasher.finalize(context.Background(), w, "", nil)
		// A late release must not have deleted the newer claim.
		assertOwnedBy(t, s, moved, "plan-a")
	})
}

// A takeover decided on a stale record must not delete the record its owner claimed
// anew in the meantime, although the new record starts at the same generation.
func TestDelayedTakeoverSparesARecreatedRecord(t *testing.T) {
	forEachMode(t, func(t *testing.T, s, _ *Store) {
		ctx := context.Background()
		moved, b1, b2 := giveUpForeignID(t, s, "plan-b")
		// The release of version 2 was not finalized: the record still names plan-b.
		record := s.keys.owner(moved)
		if err := s.rdb.HSet(ctx, record, "owner", "plan-b", "gen", 1, "ver", 1, "pend", "").Err(); err != nil {
			t.Fatal(err)
		}
		// A claimer meets it and probes plan-b: stale. Before its takeover arrives,
		// another claimer takes the record over and plan-b claims moved back.
		seen := contest{objectID: moved, owner: "plan-b", pending: "", generation: "1", version: "1"}
		if dropped, err := s.takeover(ctx, seen); err != nil || !dropped {
			t.Fatalf("first takeover: %v %v", dropped, err)
		}
		mustAppend(t, s, storetest.ReplaceCommit(b2, b1, 2))
		if gen, err := s.rdb.HGet(ctx, record, "gen").Result(); err != nil || gen != "1" {
			t.Fatalf("the recreated record should restart at generation 1, has %q (%v)", gen, err)
		}
		// The delayed takeover must fail, and plan-b keep moved.
		if dropped, err := s.takeover(ctx, seen); err != nil || dropped {
			t.Fatalf("delayed takeover: dropped=%v %v", dropped, err)
		}
		assertOwnedBy(t, s, moved, "plan-b")
	})
}
