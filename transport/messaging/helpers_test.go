package messaging_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/testenv"
)

func testLogger(t testing.TB) *slog.Logger { return testenv.Logger(t, slog.LevelWarn) }

func planEvent(planID string, version int64, typ events.Type) events.Envelope {
	doc := json.RawMessage(fmt.Sprintf(`{"objectId":%q,"objectType":"plan","_org":"example.com"}`, planID))
	e := events.Envelope{
		ID:            uuid.NewString(),
		Type:          typ,
		SchemaVersion: events.CurrentSchemaVersion,
		AggregateType: events.AggregateTypePlan,
		AggregateID:   planID,
		Version:       version,
		OccurredAt:    time.Now().UTC(),
		Actor:         "tester",
		CorrelationID: "corr-" + planID,
		Data:          events.Data{Before: json.RawMessage("null"), After: doc},
	}
	if typ == events.PlanDeleted {
		e.Data = events.Data{Before: doc, After: json.RawMessage("null")}
	}
	return e
}

func newRouter(t testing.TB, reg *prometheus.Registry) *messaging.Router {
	t.Helper()
	return newRouterFrom(t, routerConfig(t, reg))
}

// routerConfig is the tests' router configuration: quick retries, 2 of them.
func routerConfig(t testing.TB, reg *prometheus.Registry) messaging.RouterConfig {
	return messaging.RouterConfig{
		Logger:       testLogger(t),
		Codec:        testenv.PlanCodec(t),
		Registry:     reg,
		CloseTimeout: 20 * time.Second,
		Retry:        messaging.RetryPolicy{MaxRetries: 2, InitialInterval: 10 * time.Millisecond, MaxInterval: 50 * time.Millisecond},
	}
}

func newRouterFrom(t testing.TB, cfg messaging.RouterConfig) *messaging.Router {
	t.Helper()
	r, err := messaging.NewRouter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// received collects what a consumer handled, by event id.
type received struct {
	mu     sync.Mutex
	events []events.Envelope
	ids    map[string]int
}

func (r *received) handle(_ context.Context, e events.Envelope) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ids == nil {
		r.ids = map[string]int{}
	}
	r.events = append(r.events, e)
	r.ids[e.ID]++
	return nil
}

func (r *received) distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.ids)
}

func (r *received) all() []events.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.Envelope(nil), r.events...)
}

// counter reads a counter of the registry, labelled consumer=<consumer> when given.
func counter(t testing.TB, reg *prometheus.Registry, name, consumer string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			match := consumer == ""
			for _, l := range m.GetLabel() {
				if l.GetName() == "consumer" && l.GetValue() == consumer {
					match = true
				}
			}
			if match {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// gauge reads a gauge of the registry labelled consumer=<consumer>; ok is false while
// the series does not exist.
func gauge(t testing.TB, reg *prometheus.Registry, name, consumer string) (value float64, ok bool) {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			if f.GetName() == name && hasConsumer(m.GetLabel(), consumer) {
				return m.GetGauge().GetValue(), true
			}
		}
	}
	return 0, false
}

// histogramCount is how many observations a histogram labelled consumer=<consumer> has.
func histogramCount(t testing.TB, reg *prometheus.Registry, name, consumer string) uint64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			if f.GetName() == name && hasConsumer(m.GetLabel(), consumer) {
				return m.GetHistogram().GetSampleCount()
			}
		}
	}
	return 0
}

// hasConsumer reports whether labels include consumer=<consumer>.
func hasConsumer[L interface {
	GetName() string
	GetValue() string
}](labels []L, consumer string) bool {
	for _, l := range labels {
		if l.GetName() == "consumer" && l.GetValue() == consumer {
			return true
		}
	}
	return false
}

func publish(t testing.TB, bus messaging.Bus, codec *events.Codec, evs ...events.Envelope) {
	t.Helper()
	for _, e := range evs {
		msg, err := messaging.NewEventMessage(codec, e)
		if err != nil {
			t.Fatal(err)
		}
		if err := bus.EventPublisher().Publish(messaging.ExchangeName, msg); err != nil {
			t.Fatalf("publish %s: %v", e.ID, err)
		}
	}
}
