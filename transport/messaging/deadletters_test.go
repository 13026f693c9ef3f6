package messaging_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/testenv"
)

// flaky fails every event while broken is set, and records what it handled.
type flaky struct {
	broken atomic.Bool
	received
}

func (f *flaky) handle(ctx context.Context, e events.Envelope) error {
	if f.broken.Load() {
		return errors.New("projection broken")
	}
	return f.received.handle(ctx, e)
}

// A poison event on the embedded bus is kept, listed, and redelivered to its consumer
// alone once the consumer is fixed; another one is discarded.
func TestEmbeddedDeadLettersCanBeRedeliveredOrDiscarded(t *testing.T) {
	codec := testenv.PlanCodec(t)
	bus := newEmbeddedBus(t, "projector", "audit")
	var projector flaky
	var audit received
	projector.broken.Store(true)
	r := newRouter(t, prometheus.NewRegistry())
	if err := r.AddConsumer(bus, messaging.Consumer{Name: "projector", Handle: projector.handle}); err != nil {
		t.Fatal(err)
	}
	if err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: audit.handle}); err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	testenv.WaitFor(t, 10*time.Second, "consumers attached", func() bool { return r.Ready() == nil })
	first, second := planEvent("p1", 1, events.PlanCreated), planEvent("p2", 1, events.PlanCreated)
	publish(t, bus, codec, first, second)

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
	if got := projector.all(); len(got) != 1 || got[0].ID != first.ID {
		t.Fatalf("the projector handled %v after the redelivery, want the first event", got)
	}
	if n := len(audit.all()); n != 2 {
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

// On RabbitMQ the tooling works on the dead-letter queue itself: a listing leaves every
// message in place, a redelivery moves one to the consumer's queue, a discard drops one.
func TestAMQPDeadLettersListRedeliverDiscard(t *testing.T) {
	url := testenv.Vhost(t)
	codec := testenv.PlanCodec(t)
	bus := testenv.AMQPBus(t, messaging.AMQPConfig{URL: url, Logger: testLogger(t), Consumers: []string{"projector"}})
	poison, err := bus.DeadLetterPublisher("projector")
	if err != nil {
		t.Fatal(err)
	}
	evs := []events.Envelope{planEvent("p1", 1, events.PlanCreated), planEvent("p2", 1, events.PlanCreated), planEvent("p3", 1, events.PlanCreated)}
	for _, e := range evs {
		msg, err := messaging.NewEventMessage(codec, e)
		if err != nil {
			t.Fatal(err)
		}
		msg.Metadata.Set("reason_poisoned", "broken")
		if err := poison.Publish(messaging.DeadLetterQueueName("projector"), msg); err != nil {
			t.Fatal(err)
		}
	}
	dl, err := messaging.NewAMQPDeadLetters(url, "test dead letters")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dl.Close() })
	ctx := context.Background()
	for range 2 { // listing twice sees the same: nothing was taken
		list, err := dl.List(ctx, "projector", 10)
		if err != nil || len(list) != 3 || list[0].ID != evs[0].ID || list[2].AggregateID != "p3" || list[1].Reason != "broken" {
			t.Fatalf("list: %+v %v", list, err)
		}
	}
	if got, err := dl.Get(ctx, "projector", evs[1].ID); err != nil || got.ID != evs[1].ID {
		t.Fatalf("get: %+v %v", got, err)
	}
	if err := dl.Redeliver(ctx, "projector", evs[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := dl.Discard(ctx, "projector", evs[2].ID); err != nil {
		t.Fatal(err)
	}
	if err := dl.Redeliver(ctx, "projector", evs[2].ID); !errors.Is(err, messaging.ErrDeadLetterNotFound) {
		t.Fatalf("redeliver a discarded one: %v, want ErrDeadLetterNotFound", err)
	}
	list, err := dl.List(ctx, "projector", 10)
	if err != nil || len(list) != 1 || list[0].ID != evs[0].ID {
		t.Fatalf("left: %+v %v, want the first alone", list, err)
	}
	moved := testenv.Drain(t, url, messaging.QueueName("projector"))
	if len(moved) != 1 {
		t.Fatalf("the consumer's queue holds %d messages, want the redelivered one", len(moved))
	}
	if got, err := codec.Decode(moved[0].Body); err != nil || got.ID != evs[1].ID {
		t.Fatalf("redelivered %v %v", got.ID, err)
	}
	// A consumer whose dead-letter queue was never declared has none.
	if list, err := dl.List(ctx, "nobody", 10); err != nil || len(list) != 0 {
		t.Fatalf("undeclared queue: %v %v", list, err)
	}
}
