package boltstore_test

import (
	"context"
	"testing"

	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/events/storetest"
)

// TestLastLogEntryNamesTheLogsEnd: none for an empty log; after each commit, the
// entry at LogEnd, carrying that commit's last event; and the same after a reopen.
func TestLastLogEntryNamesTheLogsEnd(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := boltstore.Open(dir, storetest.NewCodec(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.LastLogEntry(ctx); ok || err != nil {
		t.Fatalf("an empty log has a last entry (%v, %v)", ok, err)
	}
	var want string
	for _, id := range []string{"plan-a", "plan-b"} {
		commit := storetest.CreateCommit(storetest.NewPlan(id, 1))
		if err := s.Append(ctx, commit); err != nil {
			t.Fatal(err)
		}
		entry, ok, err := s.LastLogEntry(ctx)
		end, endErr := s.LogEnd(ctx, 0)
		if !ok || err != nil || endErr != nil {
			t.Fatalf("after a commit: %v, %v, %v", ok, err, endErr)
		}
		last := commit.Events[len(commit.Events)-1]
		if entry.Position != end || entry.Event.ID != last.ID {
			t.Fatalf("last entry %s/%s, want %s/%s", entry.Position, entry.Event.ID, end, last.ID)
		}
		want = entry.Position + "/" + entry.Event.ID
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = boltstore.Open(dir, storetest.NewCodec(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	entry, ok, err := s.LastLogEntry(ctx)
	if !ok || err != nil || entry.Position+"/"+entry.Event.ID != want {
		t.Fatalf("after a reopen: %s/%s (%v, %v), want %s", entry.Position, entry.Event.ID, ok, err, want)
	}
}
