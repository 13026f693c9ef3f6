package redisstore

import (
	"slices"
	"testing"
	"time"
)

func TestPartitionWatchReadsWhatChanged(t *testing.T) {
	var w partitionWatch
	t0 := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	all := []bool{true, true, true, true}

	// A new consumer looks everywhere.
	counts := []uint64{0, 0, 0, 0}
	if got := w.toRead(counts, t0); !slices.Equal(got, all) {
		t.Fatalf("first pass reads %v, want all", got)
	}
	w.done(counts, []bool{false, false, false, false}, t0)

	// Nothing notified: nothing to read.
	if got := w.toRead(counts, t0.Add(time.Millisecond)); slices.Contains(got, true) {
		t.Fatalf("quiet pass reads %v, want none", got)
	}
	w.done(counts, make([]bool, 4), t0.Add(time.Millisecond))

	// Partition 2 notified, partition 1 filled its share last time.
	w.more = []bool{false, true, false, false}
	counts = []uint64{0, 0, 1, 0}
	if got, want := w.toRead(counts, t0.Add(2*time.Millisecond)), []bool{false, true, true, false}; !slices.Equal(got, want) {
		t.Fatalf("reads %v, want %v", got, want)
	}
	w.done(counts, make([]bool, 4), t0.Add(2*time.Millisecond))

	// A lost notification is found by the full scan at the latest after fullScanEvery.
	if got := w.toRead(counts, t0.Add(fullScanEvery)); !slices.Equal(got, all) {
		t.Fatalf("pass after %v reads %v, want all", fullScanEvery, got)
	}
	w.done(counts, make([]bool, 4), t0.Add(fullScanEvery))
	if got := w.toRead(counts, t0.Add(fullScanEvery+time.Millisecond)); slices.Contains(got, true) {
		t.Fatalf("pass right after a full scan reads %v, want none", got)
	}

	// After an error every partition is read again.
	w.forget()
	if got := w.toRead(counts, t0.Add(fullScanEvery+2*time.Millisecond)); !slices.Equal(got, all) {
		t.Fatalf("pass after an error reads %v, want all", got)
	}
}
