package outbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/storetest"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/amqp"
	"github.com/planstore/planstore/transport/messaging/inproc"
	"github.com/planstore/planstore/transport/messaging/outbox"
	"github.com/planstore/planstore/transport/testenv"
)

func testLogger(t testing.TB) *slog.Logger { return testenv.Logger(t, slog.LevelError) }

// history returns the events of plans plans with versions versions each, interleaved
// the way concurrent writers produce them: v1 of every plan, then v2 of every plan...
func history(prefix string, plans, versions int) []events.Envelope {
	var out []events.Envelope
	for v := 1; v <= versions; v++ {
		for p := range plans {
			id := fmt.Sprintf("%s-%d", prefix, p)
			before := storetest.NewPlan(id, v-1).Doc
			typ := events.PlanReplaced
			if v == 1 {
				before, typ = nil, events.PlanCreated
			}
			out = append(out, storetest.NewEvent(id, int64(v), typ, before, storetest.NewPlan(id, v).Doc))
		}
	}
	return out
}

// sink is a consumer that records what it handled and checks per-plan order.
type sink struct {
	mu         sync.Mutex
	seen       map[string]int   // event id -> times the handler saw it
	last       map[string]int64 // plan -> highest version handled
	violations []string
	latencies  []time.Duration // handled - occurred_at, first handling only
}

func newSink() *sink { return &sink{seen: map[string]int{}, last: map[string]int64{}} }

func (s *sink) consumer(name string) messaging.Consumer {
	return messaging.Consumer{Name: name, Handle: s.handle}
}

func (s *sink) handle(_ context.Context, e events.Envelope) error {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen[e.ID]++
	if s.seen[e.ID] > 1 {
		return nil
	}
	if e.Version <= s.last[e.AggregateID] {
		s.violations = append(s.violations, fmt.Sprintf("%s v%d after v%d", e.AggregateID, e.Version, s.last[e.AggregateID]))
	}
	s.last[e.AggregateID] = max(s.last[e.AggregateID], e.Version)
	s.latencies = append(s.latencies, now.Sub(e.OccurredAt))
	return nil
}

func (s *sink) distinct() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}

// check fails the test unless every id in want was handled exactly once and in order.
func (s *sink) check(t testing.TB, want []string) {
	t.Helper()
	s.checkExactlyOnce(t, want)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.violations) > 0 {
		t.Errorf("%d per-plan order violations, first: %s", len(s.violations), s.violations[0])
	}
}

// checkExactlyOnce fails the test unless every id in want was handled exactly once, in
// any order (a consumer with Concurrency > 1).
func (s *sink) checkExactlyOnce(t testing.TB, want []string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	missing, repeated := 0, 0
	for _, id := range want {
		switch n := s.seen[id]; {
		case n == 0:
			missing++
		case n > 1:
			repeated++
		}
	}
	if missing > 0 || repeated > 0 {
		t.Errorf("of %d committed events %d never reached the consumer and %d reached its handler more than once", len(want), missing, repeated)
	}
}

func ids(evs []events.Envelope) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

func newRouter(t testing.TB, reg *prometheus.Registry) *messaging.Router {
	t.Helper()
	return newRouterLoggingTo(t, reg, testLogger(t))
}

// newRouterLoggingTo is newRouter logging to logger, for a test that reads the log.
func newRouterLoggingTo(t testing.TB, reg *prometheus.Registry, logger *slog.Logger) *messaging.Router {
	t.Helper()
	r, err := messaging.NewRouter(messaging.RouterConfig{
		Logger:       logger,
		Codec:        testenv.PlanCodec(t),
		Registry:     reg,
		CloseTimeout: 20 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// newPipeline builds, on registry reg, a relay from store to bus and a consumers
// router on which a sink consumes as consumer; the caller runs the routers.
func newPipeline(t testing.TB, reg *prometheus.Registry, store outbox.Outbox, bus messaging.Bus, consumer string) (relay, consumers *messaging.Router, got *sink) {
	t.Helper()
	relay = newRouter(t, reg)
	addRelay(t, relay, store, bus)
	consumers = newRouter(t, reg)
	got = newSink()
	if err := consumers.AddConsumer(bus, got.consumer(consumer)); err != nil {
		t.Fatal(err)
	}
	return relay, consumers, got
}

func addRelay(t testing.TB, r *messaging.Router, store outbox.Outbox, bus messaging.Bus) {
	t.Helper()
	addRelayStreams(t, r, store, bus, 0)
}

// addRelayStreams adds a relay whose lanes reach the bus through streams subscriptions
// (0: the default).
func addRelayStreams(t testing.TB, r *messaging.Router, store outbox.Outbox, bus messaging.Bus, streams int) {
	t.Helper()
	addRelayWith(t, r, bus, outbox.SubscriberConfig{
		Outbox: store, Codec: testenv.PlanCodec(t), Logger: testLogger(t), ReadWait: 200 * time.Millisecond, RedeliverMax: time.Second, Lanes: testLanes, Streams: streams,
	})
}

// addRelayWith adds a relay reading its outbox as cfg says.
func addRelayWith(t testing.TB, r *messaging.Router, bus messaging.Bus, cfg outbox.SubscriberConfig) {
	t.Helper()
	if err := outbox.AddRelay(r, outbox.RelayConfig{SubscriberConfig: cfg, Bus: bus}); err != nil {
		t.Fatal(err)
	}
}

// testLanes lets a benchmark run compare lane counts: PLANSTORE_BENCH_LANES.
var testLanes, _ = strconv.Atoi(os.Getenv("PLANSTORE_BENCH_LANES"))

// newEmbeddedBus is an in-process bus for the consumers, closed when the test ends.
func newEmbeddedBus(t testing.TB, consumers ...string) *inproc.Bus {
	t.Helper()
	bus, err := inproc.New(inproc.Config{Logger: testLogger(t), Consumers: consumers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	return bus
}

func newAMQPBus(t testing.TB, url string, consumers ...string) *amqp.Bus {
	t.Helper()
	return testenv.AMQPBus(t, amqp.Config{URL: url, Logger: testLogger(t), Consumers: consumers, PublisherChannels: testLanes})
}
