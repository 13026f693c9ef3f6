package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/boltfile"
	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/transport/messaging/audit"
	"github.com/planstore/planstore/transport/testenv"
)

// redisTestDB is this package's own Redis database.
const redisTestDB = 12

func stores(t *testing.T) map[string]func(t *testing.T) audit.Store {
	return map[string]func(t *testing.T) audit.Store{
		"redis": func(t *testing.T) audit.Store { return audit.NewRedisStore(testenv.Redis(t, redisTestDB), "") },
		"bolt": func(t *testing.T) audit.Store {
			s, err := audit.OpenBoltStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"event store file": func(t *testing.T) audit.Store {
			file, err := boltstore.Open(t.TempDir(), testenv.PlanCodec(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { file.Close() })
			return audit.NewSideStore(file)
		},
	}
}

func event(planID string, version int64, typ events.Type) events.Envelope {
	return events.Envelope{
		ID: uuid.NewString(), Type: typ, SchemaVersion: 1, AggregateType: "plan", AggregateID: planID,
		Version: version, OccurredAt: time.Now().UTC().Truncate(time.Millisecond), Actor: "alice", CorrelationID: "req-" + planID,
		Data: events.Data{Before: json.RawMessage("null"), After: json.RawMessage(`{}`)},
	}
}

// TestTheTrailIsThePlansEventLog: one entry per event of the history, in version order
// whatever order the history came in; an entry the retired audit consumer recorded lends
// its reception time, the others were received at their commit.
func TestTheTrailIsThePlansEventLog(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			store := open(t)
			log, err := audit.NewLog(store)
			if err != nil {
				t.Fatal(err)
			}
			v1, v2, v3 := event("p1", 1, events.PlanCreated), event("p1", 2, events.PlanPatched), event("p1", 3, events.PlanDeleted)
			consumerTime := v1.OccurredAt.Add(40 * time.Millisecond)
			// What the retired consumer kept, for this plan's first event and another plan's.
			for plan, e := range map[string]events.Envelope{"p1": v1, "p2": event("p2", 1, events.PlanCreated)} {
				recorded := audit.Entry{EventID: e.ID, Type: e.Type, Version: e.Version, ReceivedAt: consumerTime}
				if err := store.Add(ctx, plan, recorded); err != nil {
					t.Fatal(err)
				}
			}
			entries, err := log.ForHistory(ctx, "p1", []events.Envelope{v2, v1, v3})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 3 {
				t.Fatalf("p1 has %d entries, want 3: %+v", len(entries), entries)
			}
			for i, want := range []events.Envelope{v1, v2, v3} {
				got := entries[i]
				if got.EventID != want.ID || got.Version != want.Version || got.Type != want.Type || got.Actor != "alice" ||
					got.CorrelationID != "req-p1" || !got.OccurredAt.Equal(want.OccurredAt) {
					t.Errorf("entry %d = %+v, want event %s v%d", i, got, want.ID, want.Version)
				}
				wantReceived := want.OccurredAt
				if i == 0 {
					wantReceived = consumerTime
				}
				if !got.ReceivedAt.Equal(wantReceived) {
					t.Errorf("entry %d received at %v, want %v", i, got.ReceivedAt, wantReceived)
				}
			}
		})
	}
}

func TestAuditKeepsTheFirstReceptionOfARedeliveredEvent(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			store := open(t)
			first := audit.Entry{EventID: "e1", Version: 1, ReceivedAt: time.Unix(100, 0).UTC()}
			again := first
			again.ReceivedAt = time.Unix(200, 0).UTC()
			for _, e := range []audit.Entry{first, again} {
				if err := store.Add(ctx, "p1", e); err != nil {
					t.Fatal(err)
				}
			}
			entries, err := store.Entries(ctx, "p1")
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || !entries[0].ReceivedAt.Equal(first.ReceivedAt) {
				t.Errorf("entries %+v, want only the first reception", entries)
			}
		})
	}
}

// Issue 22: an audit log emptied after it recorded events is refused, not started over.
func TestEmptiedBoltAuditLogIsRefused(t *testing.T) {
	dir := t.TempDir()
	store, err := audit.OpenBoltStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(context.Background(), "plan-1", audit.Entry{EventID: "e1"}); err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(filepath.Join(dir, audit.BoltFileName), 0); err != nil {
		t.Fatal(err)
	}
	var lost *boltfile.LostError
	if _, err := audit.OpenBoltStore(dir); !errors.As(err, &lost) {
		t.Fatalf("open of an emptied audit log: %v, want a *boltfile.LostError", err)
	}
}
