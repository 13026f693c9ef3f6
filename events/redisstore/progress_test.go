package redisstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/planstore/planstore/events/storetest"
)

// TestPipelineProgress: the outbox backlog counts what no relay has acked, the applied
// positions tell the oldest event a consumer has not applied, and LogLength sums to
// the log's size.
func TestPipelineProgress(t *testing.T) {
	ctx := context.Background()
	s := opener{url: sharedRedisURL(t)}.open(t)
	defer s.Close()
	before := time.Now().Add(-time.Second)
	for i := range 3 {
		mustAppend(t, s, storetest.CreateCommit(storetest.NewPlan(fmt.Sprintf("progress-%d", i), 1)))
	}

	b, err := s.OutboxBacklog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b.Events != 3 || b.Oldest.Before(before) || b.Oldest.After(time.Now()) {
		t.Fatalf("backlog = %+v, want 3 events committed just now", b)
	}
	var total int64
	for p := range s.Partitions() {
		n, err := s.LogLength(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if total != 3 {
		t.Fatalf("log length = %d, want 3", total)
	}

	// Handed out and not acked still waits; acked does not.
	got, err := s.ReadOutbox(ctx, "relay", 2, 0)
	if err != nil || len(got) != 2 {
		t.Fatalf("read outbox: %d entries, %v", len(got), err)
	}
	if b, _ = s.OutboxBacklog(ctx); b.Events != 3 {
		t.Fatalf("backlog with 2 handed out = %+v, want 3", b)
	}
	if err := s.AckOutbox(ctx, got...); err != nil {
		t.Fatal(err)
	}
	if b, _ = s.OutboxBacklog(ctx); b.Events != 1 || b.Oldest.IsZero() {
		t.Fatalf("backlog after 2 acks = %+v, want 1", b)
	}

	// Nothing applied yet: the oldest event waits. Applying all of it (out of order,
	// an older position after a newer one) leaves nothing waiting.
	oldest, err := s.Unapplied(ctx, "projector")
	if err != nil || oldest.IsZero() {
		t.Fatalf("unapplied before any progress = %v, %v", oldest, err)
	}
	for p := range s.Partitions() {
		entries, err := s.ReadLog(ctx, p, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		for i := len(entries) - 1; i >= 0; i-- { // newest first: older must not win
			if err := s.RecordApplied(ctx, "projector", map[int]string{p: entries[i].Position}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if oldest, err = s.Unapplied(ctx, "projector"); err != nil || !oldest.IsZero() {
		t.Fatalf("unapplied after applying everything = %v, %v", oldest, err)
	}
	mustAppend(t, s, storetest.CreateCommit(storetest.NewPlan("progress-late", 1)))
	if oldest, _ = s.Unapplied(ctx, "projector"); oldest.IsZero() {
		t.Fatal("a new event is not reported unapplied")
	}

	// A consumer that starts tracking on an existing log counts from its end.
	if err := s.StartApplied(ctx, "audit"); err != nil {
		t.Fatal(err)
	}
	if oldest, _ = s.Unapplied(ctx, "audit"); !oldest.IsZero() {
		t.Fatalf("unapplied right after StartApplied = %v, want none", oldest)
	}
}
