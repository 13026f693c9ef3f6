package redisstore

import (
	"testing"
	"time"
)

// TestBatchDeadlineIsTheLatestCallers: a batch of appends ends by the latest deadline of
// its callers, and has none when one of them has none.
func TestBatchDeadlineIsTheLatestCallers(t *testing.T) {
	early := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	late := early.Add(time.Second)
	got, ok := batchDeadline([]*appendRequest{{deadline: late}, {deadline: early}})
	if !ok || !got.Equal(late) {
		t.Errorf("deadline of a batch due at %v and %v: %v, %v; want %v", late, early, got, ok, late)
	}
	if got, ok := batchDeadline([]*appendRequest{{deadline: early}, {}}); ok {
		t.Errorf("a batch with an unbounded caller has deadline %v, want none", got)
	}
}
