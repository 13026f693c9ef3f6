package bustest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/testenv"
)

// Adapter makes the buses the suite runs on.
type Adapter struct {
	// New returns a fresh bus, isolated from every other test (its own vhost, say), with
	// the consumers' queues declared; the test closes it (t.Cleanup).
	New func(t testing.TB, consumers ...string) messaging.Bus
	// DeadLetters returns the ids of the events dead-lettered for the consumer, waiting
	// until there are want of them. Nil for a bus that cannot list its dead letters:
	// the suite then checks their count alone.
	DeadLetters func(t testing.TB, bus messaging.Bus, consumer string, want int) []string
}

// consumer is the queue every test of the suite consumes.
const consumer = "audit"

// wait is how long the suite waits for a condition: generous, since the machine is shared.
const wait = 30 * time.Second

// Run is the acceptance suite of a messaging.Bus: what the relay and the consumers rely
// on, whichever bus carries the events.
func Run(t *testing.T, a Adapter) {
	t.Run("EachPlansEventsArriveInVersionOrder", func(t *testing.T) { orderPerPlan(t, a) })
	t.Run("AFailedEventIsDeliveredAgain", func(t *testing.T) { redelivery(t, a) })
	t.Run("AnEventForAnAbsentConsumerIsKeptOrRefused", func(t *testing.T) { absentConsumer(t, a) })
	t.Run("ADuplicateReachesTheHandlerOnce", func(t *testing.T) { duplicates(t, a) })
	t.Run("PoisonEventsAreDeadLetteredAndTheRestFlows", func(t *testing.T) { deadLetters(t, a) })
	t.Run("ShutdownFinishesTheEventInFlight", func(t *testing.T) { shutdown(t, a) })
}

// attached runs r until the test ends and waits until its consumer is attached: the
// embedded bus refuses events for a consumer that is not.
func attached(t *testing.T, r *messaging.Router) {
	t.Helper()
	testenv.RunRouter(t, r)
	testenv.WaitFor(t, wait, "the consumer to attach", func() bool { return r.Ready() == nil })
}

func orderPerPlan(t *testing.T, a Adapter) {
	bus := a.New(t, consumer)
	var got Received
	r := NewRouter(t, prometheus.NewRegistry())
	if err := r.AddConsumer(bus, messaging.Consumer{Name: consumer, Handle: got.Handle, Concurrency: 1}); err != nil {
		t.Fatal(err)
	}
	attached(t, r)
	const plans, versions = 4, 5
	var sent []events.Envelope
	for v := int64(1); v <= versions; v++ { // interleaved, as the relay's lanes publish them
		for p := range plans {
			typ := events.PlanPatched
			if v == 1 {
				typ = events.PlanCreated
			}
			sent = append(sent, PlanEvent(fmt.Sprintf("order-%d", p), v, typ))
		}
	}
	Publish(t, bus, testenv.PlanCodec(t), sent...)
	testenv.WaitFor(t, wait, "every event", func() bool { return got.Distinct() == len(sent) })
	last := map[string]int64{}
	for _, e := range got.All() {
		if e.Version != last[e.AggregateID]+1 {
			t.Errorf("plan %s: version %d after %d", e.AggregateID, e.Version, last[e.AggregateID])
		}
		last[e.AggregateID] = e.Version
	}
}

func redelivery(t *testing.T, a Adapter) {
	bus := a.New(t, consumer)
	reg := prometheus.NewRegistry()
	flaky := PlanEvent("flaky", 1, events.PlanCreated)
	var attempts atomic.Int32
	var got Received
	r := NewRouter(t, reg)
	err := r.AddConsumer(bus, messaging.Consumer{Name: consumer, Handle: func(ctx context.Context, e events.Envelope) error {
		if e.ID == flaky.ID && attempts.Add(1) == 1 {
			return errors.New("the first attempt fails")
		}
		return got.Handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	attached(t, r)
	Publish(t, bus, testenv.PlanCodec(t), flaky)
	testenv.WaitFor(t, wait, "the event, on its second attempt", func() bool { return got.Distinct() == 1 })
	if n := attempts.Load(); n != 2 {
		t.Errorf("the event was tried %d times, want 2", n)
	}
	if v := Counter(t, reg, "planstore_messaging_failed_total", consumer); v != 1 {
		t.Errorf("failed_total = %v, want 1", v)
	}
	if v := Counter(t, reg, "planstore_messaging_dead_lettered_total", consumer); v != 0 {
		t.Errorf("dead_lettered_total = %v, want 0", v)
	}
}

// absentConsumer: an event published while its consumer is not attached is never lost.
// The bus either keeps it for the consumer (RabbitMQ's queue) or refuses it, and the
// relay, whose outbox still holds it, publishes it again later.
func absentConsumer(t *testing.T, a Adapter) {
	bus := a.New(t, consumer)
	codec := testenv.PlanCodec(t)
	e := PlanEvent("while-away", 1, events.PlanCreated)
	msg, err := messaging.NewEventMessage(codec, e)
	if err != nil {
		t.Fatal(err)
	}
	refused := bus.EventPublisher().Publish(messaging.ExchangeName, msg)
	var got Received
	r := NewRouter(t, prometheus.NewRegistry())
	if err := r.AddConsumer(bus, messaging.Consumer{Name: consumer, Handle: got.Handle}); err != nil {
		t.Fatal(err)
	}
	attached(t, r)
	if refused != nil { // as the relay would: the outbox kept it
		Publish(t, bus, codec, e)
	}
	testenv.WaitFor(t, wait, "the event, once the consumer is there", func() bool { return got.Distinct() == 1 })
}

func duplicates(t *testing.T, a Adapter) {
	bus := a.New(t, consumer)
	reg := prometheus.NewRegistry()
	var got Received
	r := NewRouter(t, reg)
	if err := r.AddConsumer(bus, messaging.Consumer{Name: consumer, Handle: got.Handle}); err != nil {
		t.Fatal(err)
	}
	attached(t, r)
	e := PlanEvent("twice", 1, events.PlanCreated)
	Publish(t, bus, testenv.PlanCodec(t), e, e, e)
	testenv.WaitFor(t, wait, "the copies to be counted", func() bool {
		return Counter(t, reg, "planstore_messaging_duplicates_total", consumer) == 2
	})
	if n := len(got.All()); n != 1 {
		t.Errorf("the handler ran %d times for one event delivered 3 times", n)
	}
}

func deadLetters(t *testing.T, a Adapter) {
	bus := a.New(t, consumer)
	reg := prometheus.NewRegistry()
	failing := PlanEvent("failing", 2, events.PlanPatched)     // retried, then dead-lettered
	permanent := PlanEvent("permanent", 1, events.PlanCreated) // dead-lettered at once
	panicking := PlanEvent("panicking", 1, events.PlanCreated) // recovered, as an error
	var attempts sync.Map
	var got Received
	r := NewRouter(t, reg)
	err := r.AddConsumer(bus, messaging.Consumer{Name: consumer, Handle: func(ctx context.Context, e events.Envelope) error {
		n, _ := attempts.LoadOrStore(e.ID, new(atomic.Int32))
		n.(*atomic.Int32).Add(1)
		switch e.ID {
		case failing.ID:
			return errors.New("this event always fails")
		case permanent.ID:
			return messaging.Permanent(errors.New("never acceptable"))
		case panicking.ID:
			panic("handler bug")
		}
		return got.Handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	attached(t, r)
	healthy := []events.Envelope{PlanEvent("healthy-1", 1, events.PlanCreated), PlanEvent("healthy-2", 1, events.PlanCreated)}
	Publish(t, bus, testenv.PlanCodec(t), healthy[0], failing, permanent, panicking, healthy[1])
	testenv.WaitFor(t, wait, "the healthy events", func() bool { return got.Distinct() == len(healthy) })
	testenv.WaitFor(t, wait, "3 dead letters counted", func() bool {
		return Counter(t, reg, "planstore_messaging_dead_lettered_total", consumer) == 3
	})
	tries := func(e events.Envelope) int32 {
		n, _ := attempts.Load(e.ID)
		return n.(*atomic.Int32).Load()
	}
	if n := tries(failing); n != 3 {
		t.Errorf("a failing event was tried %d times, want 1 + 2 retries", n)
	}
	if n := tries(permanent); n != 1 {
		t.Errorf("a permanently failing event was tried %d times, want 1", n)
	}
	if v := Counter(t, reg, "planstore_messaging_consumed_total", consumer); v != float64(len(healthy)) {
		t.Errorf("consumed_total = %v, want %d", v, len(healthy))
	}
	if a.DeadLetters == nil {
		return
	}
	ids := a.DeadLetters(t, bus, consumer, 3)
	slices.Sort(ids)
	want := []string{failing.ID, permanent.ID, panicking.ID}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("dead letters %v, want %v", ids, want)
	}
}

func shutdown(t *testing.T, a Adapter) {
	bus := a.New(t, consumer)
	r := NewRouter(t, prometheus.NewRegistry())
	entered := make(chan struct{})
	release := make(chan struct{})
	var finished atomic.Int32
	err := r.AddConsumer(bus, messaging.Consumer{Name: consumer, Handle: func(ctx context.Context, e events.Envelope) error {
		close(entered)
		<-release
		if err := ctx.Err(); err != nil {
			return err // shutdown must not cancel the handler
		}
		finished.Add(1)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background()) }()
	<-r.Running()
	testenv.WaitFor(t, wait, "the consumer to attach", func() bool { return r.Ready() == nil })
	// The embedded bus's Publish returns once the consumer acknowledged: publish aside.
	published := make(chan error, 1)
	go func() {
		msg, err := messaging.NewEventMessage(testenv.PlanCodec(t), PlanEvent("in-flight", 1, events.PlanCreated))
		if err == nil {
			err = bus.EventPublisher().Publish(messaging.ExchangeName, msg)
		}
		published <- err
	}()
	<-entered

	closed := make(chan error, 1)
	go func() { closed <- r.Close() }()
	close(release) // Close is waiting for the handler; the handler now finishes.
	if err := <-closed; err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if finished.Load() != 1 {
		t.Fatal("the in-flight event did not finish")
	}
	if err := <-published; err != nil {
		t.Errorf("publish of an event handled before shutdown: %v", err)
	}
	// Acknowledged, not handed back: a depth of 0 once the consumer is gone.
	testenv.WaitFor(t, wait, "the queue to be empty", func() bool {
		n, err := bus.QueueDepth(context.Background(), consumer)
		return err == nil && n == 0
	})
}
