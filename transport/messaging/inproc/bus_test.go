package inproc_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/bustest"
	"github.com/planstore/planstore/transport/messaging/inproc"
	"github.com/planstore/planstore/transport/testenv"
)

func newEmbeddedBus(t testing.TB, consumers ...string) *inproc.Bus {
	t.Helper()
	bus, err := inproc.New(inproc.Config{Logger: bustest.Logger(t), Consumers: consumers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	return bus
}

func TestEmbeddedBusFansEveryEventOutToEveryConsumer(t *testing.T) {
	codec := testenv.PlanCodec(t)
	bus := newEmbeddedBus(t, "audit", "projector")
	var audit, projector bustest.Received
	r := bustest.NewRouter(t, prometheus.NewRegistry())
	if err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: audit.Handle}); err != nil {
		t.Fatal(err)
	}
	if err := r.AddConsumer(bus, messaging.Consumer{Name: "projector", Handle: projector.Handle}); err != nil {
		t.Fatal(err)
	}

	msg, err := messaging.NewEventMessage(codec, bustest.PlanEvent("p0", 1, events.PlanCreated))
	if err != nil {
		t.Fatal(err)
	}
	err = bus.EventPublisher().Publish(messaging.ExchangeName, msg)
	if err == nil || !strings.Contains(err.Error(), "not attached") {
		t.Fatalf("publish before the consumers attached: %v, want a not-attached error", err)
	}

	testenv.RunRouter(t, r)
	testenv.WaitFor(t, 10*time.Second, "consumers attached", func() bool { return r.Ready() == nil })
	sent := []events.Envelope{bustest.PlanEvent("p1", 1, events.PlanCreated), bustest.PlanEvent("p1", 2, events.PlanReplaced)}
	bustest.Publish(t, bus, codec, sent...) // returns only after both consumers acked
	for name, got := range map[string]*bustest.Received{"audit": &audit, "projector": &projector} {
		all := got.All()
		if len(all) != 2 || all[0].ID != sent[0].ID || all[1].ID != sent[1].ID {
			t.Errorf("%s got %v, want both events in order", name, all)
		}
	}
}

func TestEmbeddedBusWithoutConsumersKeepsEventsInTheOutbox(t *testing.T) {
	bus := newEmbeddedBus(t)
	msg, err := messaging.NewEventMessage(testenv.PlanCodec(t), bustest.PlanEvent("p1", 1, events.PlanCreated))
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.EventPublisher().Publish(messaging.ExchangeName, msg); err == nil {
		t.Error("an event with no consumer to take it was accepted, and would be lost")
	}
}

func TestEmbeddedPublishFailsWhenAConsumerDetachesWithoutAcknowledging(t *testing.T) {
	codec := testenv.PlanCodec(t)
	bus := newEmbeddedBus(t)
	r := bustest.NewRouter(t, prometheus.NewRegistry())
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: func(ctx context.Context, e events.Envelope) error {
		select {
		case entered <- struct{}{}:
		default: // a retry
		}
		<-release
		return errors.New("still failing when the router goes away")
	}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background()) }()
	<-r.Running()

	published := make(chan error, 1)
	go func() {
		msg, _ := messaging.NewEventMessage(codec, bustest.PlanEvent("p1", 1, events.PlanCreated))
		published <- bus.EventPublisher().Publish(messaging.ExchangeName, msg)
	}()
	<-entered
	closed := make(chan error, 1)
	go func() { closed <- r.Close() }()
	close(release)
	// The handler's retries end in the dead-letter "queue" (logged, then dropped), which
	// acknowledges: that is a successful delivery. What must never happen is a nil from Publish without an ack.
	err = <-published
	if stopErr := errors.Join(<-closed, <-done); stopErr != nil {
		t.Errorf("stop router: %v", stopErr)
	}
	if err != nil && !strings.Contains(err.Error(), "did not acknowledge") {
		t.Errorf("publish: %v", err)
	}

	msg, _ := messaging.NewEventMessage(codec, bustest.PlanEvent("p2", 1, events.PlanCreated))
	if err := bus.EventPublisher().Publish(messaging.ExchangeName, msg); err == nil {
		t.Error("publish with the only consumer gone succeeded; the event would be lost for it")
	}
}

// The embedded bus passes the acceptance suite; it keeps its dead letters in memory.
func TestEmbeddedBusAcceptance(t *testing.T) {
	bustest.Run(t, bustest.Adapter{
		New: func(t testing.TB, consumers ...string) messaging.Bus { return newEmbeddedBus(t, consumers...) },
		DeadLetters: func(t testing.TB, bus messaging.Bus, consumer string, want int) []string {
			list, err := bus.(*inproc.Bus).DeadLetters().List(context.Background(), consumer, want+1)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, d := range list {
				ids = append(ids, d.ID)
			}
			return ids
		},
	})
}

func TestEmbeddedConsumerHandlesEventsOfDifferentShardsAtOnce(t *testing.T) {
	const shards = 4
	codec := testenv.PlanCodec(t)
	bus, err := inproc.New(inproc.Config{Logger: bustest.Logger(t), Consumers: []string{"audit"}, Shards: shards})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	together := bustest.NewBarrier(shards)
	var got bustest.Received
	r := bustest.NewRouter(t, prometheus.NewRegistry())
	err = r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: together.Handle(got.Handle)})
	if err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	testenv.WaitFor(t, 10*time.Second, "consumer attached", func() bool { return r.Ready() == nil })

	// One plan per shard; each publish blocks until the consumer acknowledged.
	var publishing sync.WaitGroup
	for _, id := range planPerShard(shards) {
		msg, err := messaging.NewEventMessage(codec, bustest.PlanEvent(id, 1, events.PlanCreated))
		if err != nil {
			t.Fatal(err)
		}
		publishing.Go(func() {
			if err := bus.EventPublisher().Publish(messaging.ExchangeName, msg); err != nil {
				t.Errorf("publish to %s: %v", id, err)
			}
		})
	}
	publishing.Wait()
	if !together.Reached() || got.Distinct() != shards {
		t.Fatalf("handled %d events, at once: %v; want %d at once", got.Distinct(), together.Reached(), shards)
	}
}

// planPerShard returns n plan ids, each on a different one of n shards.
func planPerShard(n int) []string {
	ids := make([]string, n)
	found := 0
	for i := 0; found < n; i++ {
		id := fmt.Sprintf("plan-%d", i)
		if s := events.PartitionOf(id, n); ids[s] == "" {
			ids[s] = id
			found++
		}
	}
	return ids
}

func TestEmbeddedQueueDepthCountsEventsTheConsumerHasNotAcknowledged(t *testing.T) {
	codec := testenv.PlanCodec(t)
	bus := newEmbeddedBus(t, "audit")
	reg := prometheus.NewRegistry()
	cfg := bustest.RouterConfig(t, reg)
	cfg.QueueDepthInterval = 20 * time.Millisecond
	r := bustest.NewRouterFrom(t, cfg)
	release := make(chan struct{})
	err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: func(context.Context, events.Envelope) error {
		<-release
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	testenv.WaitFor(t, 10*time.Second, "consumer attached", func() bool { return r.Ready() == nil })

	msg, err := messaging.NewEventMessage(codec, bustest.PlanEvent("p1", 1, events.PlanCreated))
	if err != nil {
		t.Fatal(err)
	}
	published := make(chan error, 1)
	go func() { published <- bus.EventPublisher().Publish(messaging.ExchangeName, msg) }()
	testenv.WaitFor(t, 10*time.Second, "depth 1 while the event is handled", func() bool {
		depth, ok := bustest.Gauge(t, reg, "planstore_consumer_queue_depth", "audit")
		return ok && depth == 1
	})
	close(release)
	if err := <-published; err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 10*time.Second, "depth 0 once acknowledged", func() bool {
		depth, ok := bustest.Gauge(t, reg, "planstore_consumer_queue_depth", "audit")
		return ok && depth == 0
	})
	if n := bustest.HistogramCount(t, reg, "planstore_consumer_lag_seconds", "audit"); n != 1 {
		t.Errorf("lag observed %d times, want 1", n)
	}
}

// flaky fails every event while broken is set, and records what it handled.
type flaky struct {
	broken atomic.Bool
	bustest.Received
}

func (f *flaky) handle(ctx context.Context, e events.Envelope) error {
	if f.broken.Load() {
		return errors.New("projection broken")
	}
	return f.Handle(ctx, e) // Received's, the event recorded
}

// A poison event on the embedded bus is kept, listed, and redelivered to its consumer
// alone once the consumer is fixed; another one is discarded.
func TestEmbeddedDeadLettersCanBeRedeliveredOrDiscarded(t *testing.T) {
	codec := testenv.PlanCodec(t)
	bus := newEmbeddedBus(t, "projector", "audit")
	var projector flaky
	var audit bustest.Received
	projector.broken.Store(true)
	r := bustest.NewRouter(t, prometheus.NewRegistry())
	if err := r.AddConsumer(bus, messaging.Consumer{Name: "projector", Handle: projector.handle}); err != nil {
		t.Fatal(err)
	}
	if err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: audit.Handle}); err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	testenv.WaitFor(t, 10*time.Second, "consumers attached", func() bool { return r.Ready() == nil })
	first, second := bustest.PlanEvent("p1", 1, events.PlanCreated), bustest.PlanEvent("p2", 1, events.PlanCreated)
	bustest.Publish(t, bus, codec, first, second)

	dl := bus.DeadLetters()
	ctx := context.Background()
	list, err := dl.List(ctx, "projector", 10)
	if err != nil || len(list) != 2 || list[0].ID != first.ID || list[0].AggregateID != "p1" || list[0].Reason == "" {
		t.Fatalf("list: %+v %v, want both events with a reason", list, err)
	}
	if got, err := dl.Get(ctx, "projector", second.ID); err != nil || got.Version != 1 || len(got.Payload) == 0 {
		t.Fatalf("get: %+v %v", got, err)
	}
	projector.broken.Store(false)
	if err := dl.Redeliver(ctx, "projector", first.ID); err != nil {
		t.Fatal(err)
	}
	if got := projector.All(); len(got) != 1 || got[0].ID != first.ID {
		t.Fatalf("the projector handled %v after the redelivery, want the first event", got)
	}
	if n := len(audit.All()); n != 2 {
		t.Fatalf("audit handled %d events, want its 2 and no redelivery", n)
	}
	if err := dl.Discard(ctx, "projector", second.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := dl.List(ctx, "projector", 10); len(list) != 0 {
		t.Fatalf("left after redeliver and discard: %+v", list)
	}
	if err := dl.Discard(ctx, "projector", second.ID); !errors.Is(err, messaging.ErrDeadLetterNotFound) {
		t.Fatalf("discard twice: %v, want ErrDeadLetterNotFound", err)
	}
}
