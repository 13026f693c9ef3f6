package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
)

// Run runs the acceptance suite against the store newStore opens.
//
// newStore is called with each subtest's t. The first call for a given t must return a
// store over empty storage of its own; a later call with the same t must open that same
// storage again, as a restarted process would (the suite closes the previous store
// first). The store must decode with NewCodec's codec, so the suite sees upcasters work.
func Run(t *testing.T, newStore func(t *testing.T) Store) {
	cases := []struct {
		name string
		run  func(t *testing.T, newStore func(t *testing.T) Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"NotFound", testNotFound},
		{"MultiEventCommit", testMultiEventCommit},
		{"VersionConflict", testVersionConflict},
		{"ConcurrentWritersOneWins", testConcurrentWritersOneWins},
		{"ConcurrentCreatorsOneWins", testConcurrentCreatorsOneWins},
		{"DeleteAndRecreate", testDeleteAndRecreate},
		{"InvalidCommitsRejected", testInvalidCommitsRejected},
		{"UpcastOnRead", testUpcastOnRead},
		{"ObjectIDTaken", testObjectIDTaken},
		{"ObjectIDRaceAcrossAggregates", testObjectIDRaceAcrossAggregates},
		{"ReleasedObjectIDsCanBeClaimed", testReleasedObjectIDsCanBeClaimed},
		{"SurvivesReopen", testSurvivesReopen},
		{"ReadLogOrderAndPartitions", testReadLogOrderAndPartitions},
		{"ReadLogPaging", testReadLogPaging},
		{"FeedPagesWithoutGaps", testFeedPagesWithoutGaps},
		{"LogEndStartsFromNow", testLogEndStartsFromNow},
		{"OutboxReadAck", testOutboxReadAck},
		{"OutboxRedeliveredAfterReopen", testOutboxRedeliveredAfterReopen},
		{"OutboxBlocksUntilCommit", testOutboxBlocksUntilCommit},
		{"PutSnapshotChecksTheLastEvent", testPutSnapshotChecksTheLastEvent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, newStore) })
	}
}

// open calls newStore and closes the store when the test ends, whatever happens; the
// suite may close it earlier to reopen, so adapters' Close must be idempotent.
func open(t *testing.T, newStore func(t *testing.T) Store) Store {
	t.Helper()
	s := newStore(t)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// reopen closes s and opens the same storage again.
func reopen(t *testing.T, s Store, newStore func(t *testing.T) Store) Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("close before reopen: %v", err)
	}
	return open(t, newStore)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustAppend(t *testing.T, s Store, c events.Commit) {
	t.Helper()
	if err := s.Append(testContext(t), c); err != nil {
		t.Fatalf("append %s v%d: %v", c.AggregateID, c.ExpectedVersion+1, err)
	}
}

func mustLoad(t *testing.T, s Store, id string) events.Snapshot {
	t.Helper()
	snap, err := s.Load(testContext(t), id)
	if err != nil {
		t.Fatalf("load %s: %v", id, err)
	}
	return snap
}

func mustEvents(t *testing.T, s Store, id string) []events.Envelope {
	t.Helper()
	evs, err := s.Events(testContext(t), id)
	if err != nil {
		t.Fatalf("events of %s: %v", id, err)
	}
	return evs
}

// assertNothingWritten checks the aggregate has neither snapshot nor events.
func assertNothingWritten(t *testing.T, s Store, id string) {
	t.Helper()
	ctx := testContext(t)
	if _, err := s.Load(ctx, id); !errors.Is(err, events.ErrNotFound) {
		t.Errorf("load %s: want ErrNotFound, got %v", id, err)
	}
	if _, err := s.Events(ctx, id); !errors.Is(err, events.ErrNotFound) {
		t.Errorf("events of %s: want ErrNotFound, got %v", id, err)
	}
}

// sameJSON compares two JSON documents by meaning, not by bytes: stores may reformat.
func sameJSON(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return bytes.Equal(a, b)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return bytes.Equal(ja, jb)
}

// assertSameEvents compares envelopes through their JSON form, which is what a store
// keeps, so time zones and whitespace do not matter.
func assertSameEvents(t *testing.T, want, got []events.Envelope) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("want %d events, got %d", len(want), len(got))
	}
	for i := range want {
		jw, _ := json.Marshal(want[i])
		jg, _ := json.Marshal(got[i])
		if !sameJSON(jw, jg) {
			t.Errorf("event %d:\nwant %s\ngot  %s", i, jw, jg)
		}
	}
}
