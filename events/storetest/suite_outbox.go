package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
)

// readOutboxN reads the outbox until it has handed out n entries, and fails the test if
// that takes too long.
func readOutboxN(t *testing.T, s Store, consumer string, n int) []events.LogEntry {
	t.Helper()
	var got []events.LogEntry
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < n && time.Now().Before(deadline) {
		batch, err := s.ReadOutbox(testContext(t), consumer, 100, 200*time.Millisecond)
		if err != nil {
			t.Fatalf("read outbox: %v", err)
		}
		got = append(got, batch...)
	}
	if len(got) != n {
		t.Fatalf("want %d outbox entries, got %d", n, len(got))
	}
	return got
}

// assertOutboxEmpty checks nothing is handed out within a short wait.
func assertOutboxEmpty(t *testing.T, s Store, consumer string) {
	t.Helper()
	batch, err := s.ReadOutbox(testContext(t), consumer, 100, 150*time.Millisecond)
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	if len(batch) > 0 {
		t.Fatalf("want nothing, got %d entries, first %s", len(batch), eventKey(batch[0].Event))
	}
}

// assertOutboxOrder checks the entries hold exactly the committed events and that each
// partition's entries come in commit order.
func assertOutboxOrder(t *testing.T, committed []events.Envelope, got []events.LogEntry, partitions int) {
	t.Helper()
	var gotEvents []events.Envelope
	for _, e := range got {
		if e.Partition != events.PartitionOf(e.Event.AggregateID, partitions) {
			t.Fatalf("%s tagged with partition %d", eventKey(e.Event), e.Partition)
		}
		gotEvents = append(gotEvents, e.Event)
	}
	want, have := byPartition(committed, partitions), byPartition(gotEvents, partitions)
	if fmt.Sprint(want) != fmt.Sprint(have) {
		t.Fatalf("outbox per partition:\nwant %v\ngot  %v", want, have)
	}
}

func keys(entries []events.LogEntry) []string {
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, eventKey(e.Event))
	}
	slices.Sort(out)
	return out
}

func testOutboxReadAck(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	committed := appendHistory(t, s, "plan-outbox", 6)

	first, err := s.ReadOutbox(testContext(t), "relay-1", 2, 0)
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	if len(first) == 0 || len(first) > 2 {
		t.Fatalf("max 2 with events waiting: got %d entries", len(first))
	}
	rest := readOutboxN(t, s, "relay-1", len(committed)-len(first))
	all := append(first, rest...)
	assertOutboxOrder(t, committed, all, s.Partitions())

	// Handed out and not yet acked: not handed out again while the relay lives.
	assertOutboxEmpty(t, s, "relay-1")

	if err := s.AckOutbox(testContext(t), all...); err != nil {
		t.Fatalf("ack: %v", err)
	}
	if err := s.AckOutbox(testContext(t), all...); err != nil {
		t.Fatalf("second ack must be a no-op: %v", err)
	}
	assertOutboxEmpty(t, s, "relay-1")

	p := NewPlan("plan-outbox-late", 1)
	c := CreateCommit(p)
	mustAppend(t, s, c)
	late := readOutboxN(t, s, "relay-1", 1)
	assertSameEvents(t, c.Events, []events.Envelope{late[0].Event})
}

func testOutboxRedeliveredAfterReopen(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	committed := appendHistory(t, s, "plan-redeliver", 5)
	handed := readOutboxN(t, s, "relay-1", len(committed))
	acked, unacked := handed[:len(handed)/2], handed[len(handed)/2:]
	if err := s.AckOutbox(testContext(t), acked...); err != nil {
		t.Fatalf("ack: %v", err)
	}

	// The relay crashes before acking the rest; a restarted one gets exactly those.
	s = reopen(t, s, newStore)
	again := readOutboxN(t, s, "relay-1", len(unacked))
	if fmt.Sprint(keys(again)) != fmt.Sprint(keys(unacked)) {
		t.Fatalf("redelivered:\nwant %v\ngot  %v", keys(unacked), keys(again))
	}
	if err := s.AckOutbox(testContext(t), again...); err != nil {
		t.Fatalf("ack: %v", err)
	}
	s = reopen(t, s, newStore)
	assertOutboxEmpty(t, s, "relay-1")
}

func testOutboxBlocksUntilCommit(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)

	start := time.Now()
	assertOutboxEmpty(t, s, "relay-1")
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Fatalf("an empty outbox returned after %v, before the wait was over", waited)
	}

	type result struct {
		entries []events.LogEntry
		err     error
		after   time.Duration
	}
	done := make(chan result, 1)
	go func() {
		start := time.Now()
		entries, err := s.ReadOutbox(testContext(t), "relay-1", 10, 10*time.Second)
		done <- result{entries, err, time.Since(start)}
	}()
	time.Sleep(200 * time.Millisecond)
	p := NewPlan("plan-wakeup", 1)
	mustAppend(t, s, CreateCommit(p))

	r := <-done
	if r.err != nil || len(r.entries) != 1 {
		t.Fatalf("blocked read: %d entries, %v", len(r.entries), r.err)
	}
	if r.after > 5*time.Second {
		t.Fatalf("a commit did not wake the reader: it returned after %v", r.after)
	}
}
