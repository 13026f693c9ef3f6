package storetest

import (
	"fmt"
	"testing"

	"github.com/planstore/planstore/events"
)

// eventKey names one event for order comparisons.
func eventKey(e events.Envelope) string { return fmt.Sprintf("%s@%d", e.AggregateID, e.Version) }

// byPartition groups event keys by partition, keeping their order.
func byPartition(evs []events.Envelope, partitions int) map[int][]string {
	out := map[int][]string{}
	for _, e := range evs {
		p := events.PartitionOf(e.AggregateID, partitions)
		out[p] = append(out[p], eventKey(e))
	}
	return out
}

// appendHistory creates n plans and replaces every third one, returning the events in
// commit order.
func appendHistory(t *testing.T, s Store, prefix string, n int) []events.Envelope {
	t.Helper()
	var committed []events.Envelope
	for i := range n {
		p := NewPlan(fmt.Sprintf("%s-%02d", prefix, i), 1)
		c := CreateCommit(p)
		mustAppend(t, s, c)
		committed = append(committed, c.Events...)
		if i%3 == 0 {
			r := ReplaceCommit(p, NewPlan(p.ID, 2), 1)
			mustAppend(t, s, r)
			committed = append(committed, r.Events...)
		}
	}
	return committed
}

func testReadLogOrderAndPartitions(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	parts := s.Partitions()
	if parts < 1 {
		t.Fatalf("Partitions() = %d", parts)
	}
	committed := appendHistory(t, s, "plan-log", 24)
	want := byPartition(committed, parts)

	total := 0
	for p := range parts {
		entries, err := s.ReadLog(testContext(t), p, "", 1000)
		if err != nil {
			t.Fatalf("read log %d: %v", p, err)
		}
		var got []string
		for _, e := range entries {
			if e.Partition != p || events.PartitionOf(e.Event.AggregateID, parts) != p {
				t.Fatalf("partition %d returned %s tagged %d", p, eventKey(e.Event), e.Partition)
			}
			if e.Position == "" {
				t.Fatalf("entry %s has no position", eventKey(e.Event))
			}
			got = append(got, eventKey(e.Event))
		}
		if fmt.Sprint(got) != fmt.Sprint(want[p]) {
			t.Fatalf("partition %d:\nwant %v\ngot  %v", p, want[p], got)
		}
		total += len(got)
	}
	if total != len(committed) {
		t.Fatalf("log holds %d events, committed %d", total, len(committed))
	}
	for _, bad := range []int{-1, parts} {
		if _, err := s.ReadLog(testContext(t), bad, "", 10); err == nil {
			t.Errorf("partition %d out of range: no error", bad)
		}
	}
}

func testReadLogPaging(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	p := NewPlan("plan-pages", 0)
	mustAppend(t, s, CreateCommit(p))
	for v := int64(1); v < 5; v++ {
		mustAppend(t, s, ReplaceCommit(p, NewPlan(p.ID, int(v)), v))
	}
	part := events.PartitionOf(p.ID, s.Partitions())
	var got []int64
	after := ""
	for range 10 {
		page, err := s.ReadLog(testContext(t), part, after, 2)
		if err != nil {
			t.Fatalf("read log after %q: %v", after, err)
		}
		if len(page) > 2 {
			t.Fatalf("limit 2 returned %d entries", len(page))
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			got = append(got, e.Event.Version)
		}
		after = page[len(page)-1].Position
	}
	if fmt.Sprint(got) != "[1 2 3 4 5]" {
		t.Fatalf("paged versions: %v", got)
	}
}
