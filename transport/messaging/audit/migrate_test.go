package audit_test

import (
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/boltfile"
	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/transport/messaging/audit"
	"github.com/planstore/planstore/transport/testenv"
)

// TestMoveBoltFileMovesEveryEntryOnceAndRemovesTheFile: a data dir of an earlier version
// kept its audit log in audit.db; the move brings every entry into the event store's
// file, keeps an entry the side bucket holds already, and leaves no audit.db behind.
func TestMoveBoltFileMovesEveryEntryOnceAndRemovesTheFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// An earlier version's data dir: its event store and, beside it, audit.db.
	file, err := boltstore.Open(dir, testenv.PlanCodec(t))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	old, err := audit.OpenBoltStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	received := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	want := map[string][]audit.Entry{}
	for _, planID := range []string{"plan-a", "plan-b"} {
		for v := int64(1); v <= 3; v++ {
			e := event(planID, v, events.PlanPatched)
			entry := audit.Entry{EventID: e.ID, Type: e.Type, Version: v, Actor: e.Actor,
				CorrelationID: e.CorrelationID, OccurredAt: e.OccurredAt, ReceivedAt: received}
			if err := old.Add(ctx, planID, entry); err != nil {
				t.Fatal(err)
			}
			want[planID] = append(want[planID], entry)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	side := audit.NewSideStore(file)
	// A move cut short by a crash left this entry in the side bucket already, as the
	// move recorded it: the move must keep it as it is.
	kept := want["plan-a"][0]
	kept.Detail = "moved before the crash"
	if err := side.Add(ctx, "plan-a", kept); err != nil {
		t.Fatal(err)
	}
	want["plan-a"][0] = kept

	moved, err := audit.MoveBoltFile(ctx, dir, file)
	if err != nil || moved != 6 {
		t.Fatalf("moved %d entries (%v), want 6", moved, err)
	}
	if _, err := os.Stat(filepath.Join(dir, audit.BoltFileName)); !os.IsNotExist(err) {
		t.Errorf("audit.db is still there after the move: %v", err)
	}
	record, err := os.ReadFile(filepath.Join(dir, boltfile.RecordName))
	if err != nil || strings.Contains(string(record), audit.BoltFileName) || !strings.Contains(string(record), boltstore.FileName) {
		t.Errorf("the data dir's record after the move (%v):\n%s", err, record)
	}
	for planID, entries := range want {
		got, err := side.Entries(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(got, func(a, b audit.Entry) int { return cmp.Compare(a.Version, b.Version) })
		if len(got) != len(entries) {
			t.Fatalf("%s: %d entries after the move, want %d", planID, len(got), len(entries))
		}
		for i := range got {
			if got[i] != entries[i] {
				t.Errorf("%s entry %d: %+v, want %+v", planID, i, got[i], entries[i])
			}
		}
	}
	if moved, err := audit.MoveBoltFile(ctx, dir, file); err != nil || moved != 0 {
		t.Errorf("second move: %d entries (%v), want none", moved, err)
	}
}

// TestMoveBoltFileReportsAnAuditFileTheRecordSaysWasLost: an audit.db the data dir's
// record lists, deleted behind planstore's back before it was moved, is a lost store,
// not one with nothing to move.
func TestMoveBoltFileReportsAnAuditFileTheRecordSaysWasLost(t *testing.T) {
	dir := t.TempDir()
	file, err := boltstore.Open(dir, testenv.PlanCodec(t))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	old, err := audit.OpenBoltStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, audit.BoltFileName)); err != nil {
		t.Fatal(err)
	}
	moved, err := audit.MoveBoltFile(context.Background(), dir, file)
	var lost *boltfile.LostError
	if !errors.As(err, &lost) || moved != 0 || !strings.Contains(err.Error(), audit.BoltFileName) {
		t.Fatalf("moved %d (%v), want a LostError naming %s", moved, err, audit.BoltFileName)
	}
}
