package storetest

import (
	"testing"

	"github.com/planstore/planstore/events"
)

// testLogEndStartsFromNow: an empty log ends at ""; after commits, reading after each
// partition's end finds nothing, and a later commit is exactly what follows the ends.
func testLogEndStartsFromNow(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	tail, ok := s.(events.LogTail)
	if !ok {
		t.Fatalf("%T does not implement events.LogTail", s)
	}
	ctx := testContext(t)
	ends := func() []string {
		out := make([]string, s.Partitions())
		for p := range out {
			end, err := tail.LogEnd(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			out[p] = end
		}
		return out
	}
	for p, end := range ends() {
		if end != "" {
			t.Fatalf("empty log: partition %d ends at %q, want \"\"", p, end)
		}
	}
	appendHistory(t, s, "end", 5)
	now := ends()
	newer := NewPlan("end-later", 1)
	mustAppend(t, s, CreateCommit(newer))
	var after []events.LogEntry
	for p, end := range now {
		got, err := s.ReadLog(ctx, p, end, 100)
		if err != nil {
			t.Fatal(err)
		}
		after = append(after, got...)
	}
	if len(after) != 1 || after[0].Event.AggregateID != "end-later" {
		t.Fatalf("after the ends: %d entries, want only end-later's create", len(after))
	}
	if _, err := tail.LogEnd(ctx, s.Partitions()); err == nil {
		t.Fatal("LogEnd of a partition that does not exist: no error")
	}
}
