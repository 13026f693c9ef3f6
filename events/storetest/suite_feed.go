package storetest

import (
	"testing"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/feed"
)

// testFeedPagesWithoutGaps: paging the merged feed with small pages, resuming from each
// page's text cursor as a client would, yields every committed event exactly once, each
// aggregate's in version order; resuming from any single item's cursor yields exactly
// the events after it; and a commit after the end appears after the last cursor.
func testFeedPagesWithoutGaps(t *testing.T, newStore func(t *testing.T) Store) {
	s := open(t, newStore)
	committed := appendHistory(t, s, "feed", 20)
	r := feed.NewReader(s)
	ctx := testContext(t)

	var got []feed.Item
	cursor := ""
	for range 1000 {
		c, err := r.Parse(cursor)
		if err != nil {
			t.Fatalf("parse %q: %v", cursor, err)
		}
		page, err := r.Read(ctx, c, 3, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page.Items...)
		cursor = page.Next.String()
		if !page.More {
			break
		}
	}
	assertFeedHasExactly(t, committed, got)

	// Resume from the middle: exactly the rest.
	mid := got[len(got)/2]
	again, err := r.Parse(mid.Cursor.String())
	if err != nil {
		t.Fatal(err)
	}
	rest, err := r.Read(ctx, again, 1000, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(got) - len(got)/2 - 1; len(rest.Items) != want {
		t.Fatalf("resuming after item %d gave %d events, want %d", len(got)/2, len(rest.Items), want)
	}

	// A filter still advances the cursor past what it drops.
	onlyOne := func(e events.Envelope) bool { return e.AggregateID == "feed-03" }
	filtered, err := r.Read(ctx, feed.Start(r.Partitions()), 1000, 1000, onlyOne)
	if err != nil {
		t.Fatal(err)
	}
	if len(filtered.Items) != 2 || filtered.Items[0].Event.Version != 1 || filtered.Items[1].Event.Version != 2 {
		t.Fatalf("filter on feed-03 gave %d items", len(filtered.Items))
	}

	// A later commit shows up after the end cursor.
	end, _ := r.Parse(cursor)
	later := CreateCommit(NewPlan("feed-later", 1))
	mustAppend(t, s, later)
	tail, err := r.Read(ctx, end, 10, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tail.Items) != 1 || tail.Items[0].Event.AggregateID != "feed-later" {
		t.Fatalf("after the end cursor: %d items, want the one later commit", len(tail.Items))
	}
}

func assertFeedHasExactly(t *testing.T, committed []events.Envelope, got []feed.Item) {
	t.Helper()
	want := map[string]bool{}
	for _, e := range committed {
		want[eventKey(e)] = true
	}
	seen := map[string]bool{}
	lastVersion := map[string]int64{}
	for _, it := range got {
		k := eventKey(it.Event)
		if seen[k] {
			t.Fatalf("feed gave %s twice", k)
		}
		if !want[k] {
			t.Fatalf("feed gave %s, never committed", k)
		}
		seen[k] = true
		if it.Event.Version <= lastVersion[it.Event.AggregateID] {
			t.Fatalf("feed gave %s after version %d", k, lastVersion[it.Event.AggregateID])
		}
		lastVersion[it.Event.AggregateID] = it.Event.Version
	}
	if len(seen) != len(want) {
		t.Fatalf("feed gave %d events, %d were committed", len(seen), len(want))
	}
}
