package presence_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/transport/presence"
	"github.com/planstore/planstore/transport/testenv"
)

// redisTestDB is this package's own Redis database.
const redisTestDB = 8

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestStatusFollowsTheHeartbeat(t *testing.T) {
	for name, store := range map[string]presence.Store{
		"memory": presence.NewMemoryStore(),
		"redis":  presence.NewRedisStore(testenv.Redis(t, redisTestDB)),
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Now()
			put := func(id string, lastSeen time.Time, stopped bool) {
				if err := store.Put(ctx, presence.Instance{ID: id, Role: "projector", StartedAt: now.Add(-time.Minute),
					LastSeen: lastSeen, Stopped: stopped}); err != nil {
					t.Fatal(err)
				}
			}
			put("alive", now.Add(-time.Second), false)
			put("killed", now.Add(-presence.DownAfter-time.Second), false)
			put("stopped", now, true)
			put("long-gone", now.Add(-presence.ForgetAfter-time.Second), false)
			got, err := presence.List(ctx, store, now)
			if err != nil {
				t.Fatal(err)
			}
			status := map[string]string{}
			for _, i := range got {
				status[i.ID] = i.Status
			}
			want := map[string]string{"alive": "up", "killed": "down", "stopped": "stopped"}
			if len(status) != len(want) {
				t.Fatalf("listed %v, want %v", status, want)
			}
			for id, s := range want {
				if status[id] != s {
					t.Errorf("%s is %q, want %q", id, status[id], s)
				}
			}
			reg := prometheus.NewRegistry()
			if err := presence.RegisterMetrics(reg, store); err != nil {
				t.Fatal(err)
			}
			families, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			counts := map[string]float64{}
			for _, f := range families {
				for _, m := range f.GetMetric() {
					for _, l := range m.GetLabel() {
						if l.GetName() == "status" {
							counts[l.GetValue()] = m.GetGauge().GetValue()
						}
					}
				}
			}
			if counts["up"] != 1 || counts["down"] != 1 || counts["stopped"] != 1 {
				t.Errorf("planstore_instances by status: %v, want one of each", counts)
			}
		})
	}
}

func TestAnnouncerBeatsAndSaysWhenItStops(t *testing.T) {
	store := presence.NewMemoryStore()
	probe := func(context.Context) presence.Report {
		lag, depth := 1.5, 3
		return presence.Report{Consumers: []presence.Consumer{{Name: "projector", Attached: true, LagSeconds: &lag, QueueDepth: &depth}}}
	}
	a := presence.NewAnnouncer(store, presence.Instance{ID: "projector@h:1", Role: "projector", StartedAt: time.Now()}, probe, quiet())
	a.Start(context.Background())
	got, err := presence.List(context.Background(), store, time.Now())
	if err != nil || len(got) != 1 || got[0].Status != presence.StatusUp {
		t.Fatalf("after start: %+v %v", got, err)
	}
	c := got[0].Consumers
	if len(c) != 1 || *c[0].LagSeconds != 1.5 || len(c[0].History) != 1 || c[0].History[0].QueueDepth != 3 {
		t.Fatalf("consumers: %+v", c)
	}
	if err := a.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, _ = presence.List(context.Background(), store, time.Now())
	if got[0].Status != presence.StatusStopped {
		t.Fatalf("after stop: %s", got[0].Status)
	}
}
