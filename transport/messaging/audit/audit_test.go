package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/boltfile"
	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/amqp"
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

func TestAuditLogIsPerPlanInVersionOrderAndIdempotent(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			log, err := audit.NewLog(open(t))
			if err != nil {
				t.Fatal(err)
			}
			v1, v2, v3 := event("p1", 1, events.PlanCreated), event("p1", 2, events.PlanPatched), event("p1", 3, events.PlanDeleted)
			other := event("p2", 1, events.PlanCreated)
			// Out of order and redelivered, as at-least-once delivery may present them.
			for _, e := range []events.Envelope{v2, v1, other, v3, v2, v1} {
				if err := log.Record(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			entries, err := log.ForPlan(ctx, "p1")
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 3 {
				t.Fatalf("p1 has %d entries, want 3: %+v", len(entries), entries)
			}
			for i, want := range []events.Envelope{v1, v2, v3} {
				got := entries[i]
				if got.EventID != want.ID || got.Version != want.Version || got.Type != want.Type || got.Actor != "alice" ||
					got.CorrelationID != "req-p1" || !got.OccurredAt.Equal(want.OccurredAt) || got.ReceivedAt.IsZero() {
					t.Errorf("entry %d = %+v, want event %s v%d", i, got, want.ID, want.Version)
				}
			}
			none, err := log.ForPlan(ctx, "nobody")
			if err != nil || none == nil || len(none) != 0 {
				t.Errorf("unknown plan: %v, %v; want an empty list", none, err)
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

func TestAuditConsumerRecordsEveryEventFromRabbitMQ(t *testing.T) {
	url := testenv.Vhost(t)
	codec, err := events.NewPlanCodec()
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
	bus, err := amqp.New(amqp.Config{URL: url, Logger: logger, Consumers: []string{audit.ConsumerName}})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	log, err := audit.NewLog(audit.NewRedisStore(testenv.Redis(t, redisTestDB), ""))
	if err != nil {
		t.Fatal(err)
	}
	r, err := messaging.NewRouter(messaging.RouterConfig{Logger: logger, Codec: codec, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddConsumer(bus, log.Consumer()); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background()) }()
	defer func() {
		if err := errors.Join(r.Close(), <-done); err != nil {
			t.Errorf("stop router: %v", err)
		}
	}()
	<-r.Running()

	sent := []events.Envelope{event("p1", 1, events.PlanCreated), event("p1", 2, events.PlanReplaced)}
	for _, e := range append(sent, sent[0]) { // and one redelivery
		msg, err := messaging.NewEventMessage(codec, e)
		if err != nil {
			t.Fatal(err)
		}
		if err := bus.EventPublisher().Publish(messaging.ExchangeName, msg); err != nil {
			t.Fatal(err)
		}
	}
	var entries []audit.Entry
	testenv.WaitFor(t, 30*time.Second, "both events in the audit log", func() bool {
		entries, err = log.ForPlan(context.Background(), "p1")
		return err == nil && len(entries) == 2
	})
	if entries[0].EventID != sent[0].ID || entries[1].EventID != sent[1].ID {
		t.Errorf("audit log %+v, want the two events in version order", entries)
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
