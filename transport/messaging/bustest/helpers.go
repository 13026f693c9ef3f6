package bustest

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
	dto "github.com/prometheus/client_model/go"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/testenv"
)

// Logger logs warnings and errors into the test's output.
func Logger(t testing.TB) *slog.Logger { return testenv.Logger(t, slog.LevelWarn) }

// PlanEvent is an event of the plan at version, with a minimal plan document.
func PlanEvent(planID string, version int64, typ events.Type) events.Envelope {
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

// NewRouter is a router with RouterConfig.
func NewRouter(t testing.TB, reg *prometheus.Registry) *messaging.Router {
	t.Helper()
	return NewRouterFrom(t, RouterConfig(t, reg))
}

// RouterConfig is the tests' router configuration: quick retries, 2 of them.
func RouterConfig(t testing.TB, reg *prometheus.Registry) messaging.RouterConfig {
	return messaging.RouterConfig{
		Logger:       Logger(t),
		Codec:        testenv.PlanCodec(t),
		Registry:     reg,
		CloseTimeout: 20 * time.Second,
		Retry:        messaging.RetryPolicy{MaxRetries: 2, InitialInterval: 10 * time.Millisecond, MaxInterval: 50 * time.Millisecond},
	}
}

// NewRouterFrom is a router with cfg, failing the test if cfg is refused.
func NewRouterFrom(t testing.TB, cfg messaging.RouterConfig) *messaging.Router {
	t.Helper()
	r, err := messaging.NewRouter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Received collects what a consumer handled, by event id.
type Received struct {
	mu     sync.Mutex
	events []events.Envelope
	ids    map[string]int
}

func (r *Received) Handle(_ context.Context, e events.Envelope) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ids == nil {
		r.ids = map[string]int{}
	}
	r.events = append(r.events, e)
	r.ids[e.ID]++
	return nil
}

func (r *Received) Distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.ids)
}

func (r *Received) All() []events.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.Envelope(nil), r.events...)
}

// Counter reads a counter of the registry, labelled consumer=<consumer> when given.
func Counter(t testing.TB, reg *prometheus.Registry, name, consumer string) float64 {
	t.Helper()
	return series(t, reg, name, consumer).GetCounter().GetValue()
}

// Gauge reads a gauge of the registry labelled consumer=<consumer>; ok is false while
// the series does not exist.
func Gauge(t testing.TB, reg *prometheus.Registry, name, consumer string) (value float64, ok bool) {
	t.Helper()
	m := series(t, reg, name, consumer)
	return m.GetGauge().GetValue(), m != nil
}

// HistogramCount is how many observations a histogram labelled consumer=<consumer> has.
func HistogramCount(t testing.TB, reg *prometheus.Registry, name, consumer string) uint64 {
	t.Helper()
	return series(t, reg, name, consumer).GetHistogram().GetSampleCount()
}

// series is the registry's first series of the metric labelled consumer=<consumer>
// (any series when consumer is empty), or nil.
func series(t testing.TB, reg *prometheus.Registry, name, consumer string) *dto.Metric {
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
			if consumer == "" || hasConsumer(m.GetLabel(), consumer) {
				return m
			}
		}
	}
	return nil
}

// hasConsumer reports whether labels include consumer=<consumer>.
func hasConsumer(labels []*dto.LabelPair, consumer string) bool {
	for _, l := range labels {
		if l.GetName() == "consumer" && l.GetValue() == consumer {
			return true
		}
	}
	return false
}

// Publish publishes the events as the relay does, failing the test on an error.
func Publish(t testing.TB, bus messaging.Bus, codec *events.Codec, evs ...events.Envelope) {
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
