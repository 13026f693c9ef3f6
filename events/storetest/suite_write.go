package storetest

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/planstore/planstore/events"
)

func testRoundTrip(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	v1 := NewPlan("plan-rt", 1)
	create := CreateCommit(v1)
	mustAppend(t, s, create)

	snap := mustLoad(t, s, v1.ID)
	if snap.AggregateID != v1.ID || snap.Version != 1 || snap.Deleted || !sameJSON(snap.Document, v1.Doc) {
		t.Fatalf("after create: got %+v", snap)
	}
	assertSameEvents(t, create.Events, mustEvents(t, s, v1.ID))

	v2 := NewPlan("plan-rt", 2)
	replace := ReplaceCommit(v1, v2, 1)
	mustAppend(t, s, replace)
	snap = mustLoad(t, s, v1.ID)
	if snap.Version != 2 || !sameJSON(snap.Document, v2.Doc) {
		t.Fatalf("after replace: got version %d, document %s", snap.Version, snap.Document)
	}
	assertSameEvents(t, append(create.Events, replace.Events...), mustEvents(t, s, v1.ID))
}

func testNotFound(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	assertNothingWritten(t, s, "never-written")
}

func testMultiEventCommit(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	p1, p2 := NewPlan("plan-multi", 1), NewPlan("plan-multi", 2)
	c := CreateCommit(p2)
	c.Events = append(c.Events, NewEvent(p1.ID, 2, events.PlanReplaced, p1.Doc, p2.Doc))
	mustAppend(t, s, c)
	if snap := mustLoad(t, s, p1.ID); snap.Version != 2 {
		t.Fatalf("want version 2 after a two-event commit, got %d", snap.Version)
	}
	assertSameEvents(t, c.Events, mustEvents(t, s, p1.ID))
}

func testVersionConflict(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	p := NewPlan("plan-conflict", 1)
	mustAppend(t, s, CreateCommit(p))

	for _, expected := range []int64{0, 2, 7} {
		c := RecreateCommit(p, expected)
		err := s.Append(testContext(t), c)
		if !errors.Is(err, events.ErrVersionConflict) {
			t.Fatalf("expected version %d: want ErrVersionConflict, got %v", expected, err)
		}
		if !strings.Contains(err.Error(), "at version 1") {
			t.Errorf("conflict message should name the actual version: %q", err)
		}
	}
	if snap := mustLoad(t, s, p.ID); snap.Version != 1 {
		t.Fatalf("conflicting appends changed the version to %d", snap.Version)
	}
	if n := len(mustEvents(t, s, p.ID)); n != 1 {
		t.Fatalf("conflicting appends left %d events", n)
	}
}

// concurrentWriters is how many writers race in the concurrency cases (docs/contract.md 2:
// two writers holding the same ETag, exactly one wins).
const concurrentWriters = 16

// raceAppends runs the commits at once and returns their errors.
func raceAppends(t *testing.T, s Store, commits []events.Commit) []error {
	t.Helper()
	ctx := testContext(t)
	errs := make([]error, len(commits))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range commits {
		wg.Go(func() {
			<-start
			errs[i] = s.Append(ctx, c)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

func testConcurrentWritersOneWins(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	p := NewPlan("plan-race", 0)
	mustAppend(t, s, CreateCommit(p))

	commits := make([]events.Commit, concurrentWriters)
	for i := range commits {
		commits[i] = ReplaceCommit(p, NewPlan(p.ID, i+1), 1)
	}
	winner := assertOneWinner(t, raceAppends(t, s, commits), func(err error) bool {
		return errors.Is(err, events.ErrVersionConflict)
	})
	snap := mustLoad(t, s, p.ID)
	if snap.Version != 2 || !sameJSON(snap.Document, commits[winner].Snapshot) {
		t.Fatalf("snapshot is not the winner's: version %d", snap.Version)
	}
	assertSameEvents(t, commits[winner].Events, mustEvents(t, s, p.ID)[1:])
}

// testConcurrentCreatorsOneWins races creations of one new aggregate, which also race
// for the same objectIds.
func testConcurrentCreatorsOneWins(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	commits := make([]events.Commit, concurrentWriters)
	for i := range commits {
		commits[i] = CreateCommit(NewPlan("plan-born-once", i))
	}
	winner := assertOneWinner(t, raceAppends(t, s, commits), func(err error) bool {
		return errors.Is(err, events.ErrVersionConflict)
	})
	if snap := mustLoad(t, s, "plan-born-once"); snap.Version != 1 || !sameJSON(snap.Document, commits[winner].Snapshot) {
		t.Fatalf("snapshot is not the winner's: version %d", snap.Version)
	}
	if n := len(mustEvents(t, s, "plan-born-once")); n != 1 {
		t.Fatalf("want 1 event, got %d", n)
	}
}

// assertOneWinner checks exactly one error is nil and every other one is a loss as
// isLoss defines it; it returns the winner's index.
func assertOneWinner(t *testing.T, errs []error, isLoss func(error) bool) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("writers %d and %d both won", winner, i)
		case err == nil:
			winner = i
		case !isLoss(err):
			t.Fatalf("writer %d: unexpected error %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no writer won: %v", errs)
	}
	return winner
}

func testDeleteAndRecreate(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	p := NewPlan("plan-del", 1)
	mustAppend(t, s, CreateCommit(p))
	mustAppend(t, s, DeleteCommit(p, 1))

	snap := mustLoad(t, s, p.ID)
	if !snap.Deleted || snap.Version != 2 || snap.Document != nil {
		t.Fatalf("after delete: got deleted=%v version=%d document=%s", snap.Deleted, snap.Version, snap.Document)
	}
	if n := len(mustEvents(t, s, p.ID)); n != 2 {
		t.Fatalf("a delete keeps the history: want 2 events, got %d", n)
	}
	if err := s.Append(testContext(t), CreateCommit(p)); !errors.Is(err, events.ErrVersionConflict) {
		t.Fatalf("re-create at version 0 after delete: want ErrVersionConflict, got %v", err)
	}

	again := NewPlan(p.ID, 2)
	mustAppend(t, s, RecreateCommit(again, 2))
	snap = mustLoad(t, s, p.ID)
	if snap.Deleted || snap.Version != 3 || !sameJSON(snap.Document, again.Doc) {
		t.Fatalf("after re-create: got deleted=%v version=%d", snap.Deleted, snap.Version)
	}
	evs := mustEvents(t, s, p.ID)
	for i, e := range evs {
		if e.Version != int64(i+1) {
			t.Fatalf("event %d has version %d", i, e.Version)
		}
	}
}

func testInvalidCommitsRejected(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	p := NewPlan("plan-invalid", 1)
	other := NewPlan("plan-other", 1)
	cases := map[string]func(c *events.Commit){
		"no events":              func(c *events.Commit) { c.Events = nil },
		"no aggregate id":        func(c *events.Commit) { c.AggregateID = "" },
		"negative expected":      func(c *events.Commit) { c.ExpectedVersion = -1 },
		"version not expected+1": func(c *events.Commit) { c.Events[0].Version = 2 },
		"version gap": func(c *events.Commit) {
			c.Events = append(c.Events, NewEvent(p.ID, 3, events.PlanPatched, p.Doc, p.Doc))
		},
		"event of another aggregate": func(c *events.Commit) { c.Events[0] = CreateCommit(other).Events[0] },
		"event without type":         func(c *events.Commit) { c.Events[0].Type = "" },
		"schema from the future":     func(c *events.Commit) { c.Events[0].SchemaVersion = events.CurrentSchemaVersion + 1 },
		"snapshot not JSON":          func(c *events.Commit) { c.Snapshot = []byte("{") },
		"empty objectId":             func(c *events.Commit) { c.ClaimObjectIDs = append(c.ClaimObjectIDs, "") },
		"objectId claimed twice":     func(c *events.Commit) { c.ClaimObjectIDs = append(c.ClaimObjectIDs, p.ID) },
		"objectId claimed and released": func(c *events.Commit) {
			c.ReleaseObjectIDs = []string{c.ClaimObjectIDs[1]}
		},
	}
	for name, spoil := range cases {
		c := CreateCommit(p)
		spoil(&c)
		err := s.Append(testContext(t), c)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if errors.Is(err, events.ErrVersionConflict) || errors.Is(err, events.ErrNotFound) {
			t.Errorf("%s: want a plain validation error, got %v", name, err)
		}
	}
	assertNothingWritten(t, s, p.ID)
	// Nothing was claimed either: another plan may take every objectId.
	taker := NewPlan("plan-taker", 1, p.ObjectIDs[1:]...)
	taker.ObjectIDs = append(taker.ObjectIDs, p.ID)
	mustAppend(t, s, CreateCommit(taker))
}

// testUpcastOnRead writes a schema-0 event (no actor) and expects every read path to
// return it upcast by the store's codec.
func testUpcastOnRead(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	p := NewPlan("plan-legacy", 1)
	c := CreateCommit(p)
	c.Events[0].SchemaVersion = 0
	c.Events[0].Actor = ""
	mustAppend(t, s, c)

	check := func(where string, e events.Envelope) {
		t.Helper()
		if e.SchemaVersion != events.CurrentSchemaVersion || e.Actor != legacyActor {
			t.Errorf("%s: not upcast: schema %d, actor %q", where, e.SchemaVersion, e.Actor)
		}
	}
	check("Events", mustEvents(t, s, p.ID)[0])
	part := events.PartitionOf(p.ID, s.Partitions())
	log, err := s.ReadLog(testContext(t), part, "", 10)
	if err != nil || len(log) != 1 {
		t.Fatalf("read log: %v, %d entries", err, len(log))
	}
	check("ReadLog", log[0].Event)
	out := readOutboxN(t, s, "relay-upcast", 1)
	check("ReadOutbox", out[0].Event)
}

func testSurvivesReopen(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	p := NewPlan("plan-durable", 1)
	c := CreateCommit(p)
	mustAppend(t, s, c)
	s = reopen(t, s, newStore)
	if snap := mustLoad(t, s, p.ID); snap.Version != 1 || !sameJSON(snap.Document, p.Doc) {
		t.Fatalf("after reopen: got %+v", snap)
	}
	assertSameEvents(t, c.Events, mustEvents(t, s, p.ID))
	var taken *events.ObjectIDTakenError
	if err := s.Append(testContext(t), CreateCommit(NewPlan("plan-thief", 1, p.ObjectIDs[1]))); !errors.As(err, &taken) {
		t.Fatalf("ownership must survive a reopen: got %v", err)
	}
}
