package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/planstore/planstore/events"
)

// takenBy reports whether err says objectID belongs to owner.
func takenBy(err error, objectID, owner string) bool {
	var taken *events.ObjectIDTakenError
	return errors.As(err, &taken) && taken.ObjectID == objectID && taken.Owner == owner
}

func testObjectIDTaken(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	owner := NewPlan("plan-owner", 1)
	mustAppend(t, s, CreateCommit(owner))

	// The thief's other objectIds are new: none of them may stay claimed.
	shared := owner.ObjectIDs[3]
	thief := NewPlan("plan-thief", 1, "", "", shared)
	err := s.Append(testContext(t), CreateCommit(thief))
	if !takenBy(err, shared, owner.ID) {
		t.Fatalf("want ObjectIDTakenError{%s, %s}, got %v", shared, owner.ID, err)
	}
	assertNothingWritten(t, s, thief.ID)
	assertLogHasNo(t, s, thief.ID)

	// Every objectId of the failed commit except the shared one is free again.
	free := NewPlan("plan-honest", 1, thief.ObjectIDs[1], thief.ObjectIDs[2])
	free.ObjectIDs = append(free.ObjectIDs, thief.ID)
	mustAppend(t, s, CreateCommit(free))

	// Claiming an objectId one already owns again is fine (PUT with the same ids).
	mustAppend(t, s, ReplaceCommit(owner, NewPlan(owner.ID, 2), 1))
}

// assertLogHasNo checks no partition of the global log holds an event of aggregateID.
func assertLogHasNo(t *testing.T, s Store, aggregateID string) {
	t.Helper()
	for p := range s.Partitions() {
		entries, err := s.ReadLog(testContext(t), p, "", 10_000)
		if err != nil {
			t.Fatalf("read log %d: %v", p, err)
		}
		for _, e := range entries {
			if e.Event.AggregateID == aggregateID {
				t.Fatalf("log partition %d holds an event of %s", p, aggregateID)
			}
		}
	}
}

// testObjectIDRaceAcrossAggregates races aggregates of (most likely) different
// partitions for one objectId: exactly one may own it.
func testObjectIDRaceAcrossAggregates(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	const shared = "contested-object"
	commits := make([]events.Commit, concurrentWriters)
	for i := range commits {
		commits[i] = CreateCommit(NewPlan(fmt.Sprintf("plan-racer-%02d", i), i, "", shared))
	}
	errs := raceAppends(t, s, commits)
	var winnerID string
	for i, err := range errs {
		if err == nil {
			winnerID = commits[i].AggregateID
		}
	}
	assertOneWinner(t, errs, func(err error) bool { return takenBy(err, shared, winnerID) })
	for _, c := range commits {
		if c.AggregateID != winnerID {
			assertNothingWritten(t, s, c.AggregateID)
		}
	}
}

func testReleasedObjectIDsCanBeClaimed(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	a1 := NewPlan("plan-a", 1)
	mustAppend(t, s, CreateCommit(a1))
	moved := a1.ObjectIDs[5]

	// plan-a replaces the planservice holding `moved` by a new one.
	a2 := NewPlan(a1.ID, 2, a1.ObjectIDs[1], a1.ObjectIDs[2], a1.ObjectIDs[3], a1.ObjectIDs[4], "plan-a-new")
	mustAppend(t, s, ReplaceCommit(a1, a2, 1))

	b := NewPlan("plan-b", 1, "", "", "", "", moved)
	mustAppend(t, s, CreateCommit(b))

	// Now plan-a cannot take it back.
	err := s.Append(testContext(t), ReplaceCommit(a2, a1, 2))
	if !takenBy(err, moved, b.ID) {
		t.Fatalf("want ObjectIDTakenError{%s, %s}, got %v", moved, b.ID, err)
	}
	if snap := mustLoad(t, s, a1.ID); snap.Version != 2 {
		t.Fatalf("a refused claim changed plan-a to version %d", snap.Version)
	}

	// Deleting a plan releases everything it owned.
	mustAppend(t, s, DeleteCommit(b, 1))
	mustAppend(t, s, ReplaceCommit(a2, a1, 2))
}
