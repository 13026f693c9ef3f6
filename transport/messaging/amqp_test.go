package messaging_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/testenv"
)

func newAMQPBus(t testing.TB, url string, consumers ...string) *messaging.AMQPBus {
	t.Helper()
	return testenv.AMQPBus(t, messaging.AMQPConfig{URL: url, Logger: testLogger(t), Consumers: consumers, DrainTimeout: 20 * time.Second})
}

func TestAMQPEventsReachTheConsumerQueueDeclaredBeforeItAttached(t *testing.T) {
	url := testenv.Vhost(t)
	codec := testenv.PlanCodec(t)
	bus := newAMQPBus(t, url, "audit")

	// A queue bound to deleted events only: proves the routing key is the event type.
	conn, err := amqp091.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclare("deleted-only", false, true, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind("deleted-only", "plan.deleted", messaging.ExchangeName, false, nil); err != nil {
		t.Fatal(err)
	}

	sent := []events.Envelope{
		planEvent("p1", 1, events.PlanCreated),
		planEvent("p1", 2, events.PlanPatched),
		planEvent("p1", 3, events.PlanDeleted),
	}
	publish(t, bus, codec, sent...) // before the consumer ever ran: waits in planstore.audit

	deleted := testenv.Drain(t, url, "deleted-only")
	if len(deleted) != 1 || deleted[0].RoutingKey != "plan.deleted" || deleted[0].MessageId != sent[2].ID ||
		deleted[0].DeliveryMode != amqp091.Persistent || deleted[0].Type != "plan.deleted" || deleted[0].CorrelationId != "corr-p1" {
		t.Fatalf("deleted-only queue got %+v, want one persistent plan.deleted message of event %s", deleted, sent[2].ID)
	}

	var got received
	r := newRouter(t, prometheus.NewRegistry())
	if err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: got.handle}); err != nil {
		t.Fatal(err)
	}
	if err := r.Ready(); err == nil {
		t.Error("router ready before it runs")
	}
	testenv.RunRouter(t, r)
	testenv.WaitFor(t, 30*time.Second, "3 events", func() bool { return got.distinct() == 3 })
	for i, e := range got.all() {
		if e.ID != sent[i].ID || e.Version != sent[i].Version {
			t.Errorf("event %d: got %s v%d, want %s v%d", i, e.ID, e.Version, sent[i].ID, sent[i].Version)
		}
	}
	testenv.WaitFor(t, 10*time.Second, "consumer attached", func() bool { return r.Ready() == nil })
	if _, consumers := testenv.Queue(t, url, "planstore.audit"); consumers != 1 {
		t.Errorf("planstore.audit has %d consumers, want 1", consumers)
	}
}

func TestAMQPPoisonEventGoesToTheDeadLetterQueueAndTheRestFlows(t *testing.T) {
	url := testenv.Vhost(t)
	codec := testenv.PlanCodec(t)
	bus := newAMQPBus(t, url, "audit")
	reg := prometheus.NewRegistry()

	poison := planEvent("p2", 2, events.PlanPatched)
	var attempts atomic.Int32
	var got received
	r := newRouter(t, reg)
	err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: func(ctx context.Context, e events.Envelope) error {
		if e.ID == poison.ID {
			attempts.Add(1)
			return errors.New("this event always fails")
		}
		return got.handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)

	publish(t, bus, codec, planEvent("p1", 1, events.PlanCreated), poison, planEvent("p3", 1, events.PlanCreated))
	testenv.WaitFor(t, 30*time.Second, "the healthy events", func() bool { return got.distinct() == 2 })
	testenv.WaitFor(t, 30*time.Second, "the dead-lettered event", func() bool {
		n, _ := testenv.Queue(t, url, "planstore.audit.dlq")
		return n == 1
	})
	dead := testenv.Drain(t, url, "planstore.audit.dlq")
	if len(dead) != 1 || dead[0].MessageId != poison.ID {
		t.Fatalf("dead letters %+v, want event %s", dead, poison.ID)
	}
	if reason, _ := dead[0].Headers["reason_poisoned"].(string); reason == "" {
		t.Errorf("dead letter has no reason_poisoned header: %v", dead[0].Headers)
	}
	if back, err := codec.Decode(dead[0].Body); err != nil || back.ID != poison.ID {
		t.Errorf("dead letter body decodes to %v, %v", back.ID, err)
	}
	if n := attempts.Load(); n != 3 {
		t.Errorf("poison event tried %d times, want 1 + 2 retries", n)
	}
	if v := counter(t, reg, "planstore_messaging_dead_lettered_total", "audit"); v != 1 {
		t.Errorf("dead_lettered_total = %v, want 1", v)
	}
	if v := counter(t, reg, "planstore_messaging_failed_total", "audit"); v != 3 {
		t.Errorf("failed_total = %v, want 3", v)
	}
	if v := counter(t, reg, "planstore_messaging_consumed_total", "audit"); v != 2 {
		t.Errorf("consumed_total = %v, want 2", v)
	}
}

func TestAMQPPanickingHandlerIsRecoveredAndDeadLettered(t *testing.T) {
	url := testenv.Vhost(t)
	bus := newAMQPBus(t, url, "audit")
	r := newRouter(t, prometheus.NewRegistry())
	var got received
	bad := planEvent("p1", 1, events.PlanCreated)
	err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: func(ctx context.Context, e events.Envelope) error {
		if e.ID == bad.ID {
			panic("handler bug")
		}
		return got.handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	publish(t, bus, testenv.PlanCodec(t), bad, planEvent("p2", 1, events.PlanCreated))
	testenv.WaitFor(t, 30*time.Second, "the healthy event", func() bool { return got.distinct() == 1 })
	testenv.WaitFor(t, 30*time.Second, "the dead-lettered event", func() bool {
		n, _ := testenv.Queue(t, url, "planstore.audit.dlq")
		return n == 1
	})
}

func TestAMQPGracefulShutdownFinishesTheEventInFlight(t *testing.T) {
	url := testenv.Vhost(t)
	bus := newAMQPBus(t, url, "audit")
	r := newRouter(t, prometheus.NewRegistry())
	entered := make(chan struct{})
	release := make(chan struct{})
	var finished atomic.Int32
	err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: func(ctx context.Context, e events.Envelope) error {
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
	publish(t, bus, testenv.PlanCodec(t), planEvent("p1", 1, events.PlanCreated))
	<-entered

	closed := make(chan error, 1)
	go func() { closed <- r.Close() }()
	// Close is waiting for the handler; the handler now finishes.
	close(release)
	if err := <-closed; err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if finished.Load() != 1 {
		t.Fatal("the in-flight event did not finish")
	}
	// Acked, not requeued: nothing waits in the queue once the consumer is gone.
	var once sync.Once
	testenv.WaitFor(t, 10*time.Second, "the consumer to detach", func() bool {
		n, consumers := testenv.Queue(t, url, "planstore.audit")
		if consumers == 0 && n != 0 {
			once.Do(func() { t.Errorf("%d messages back in the queue after a graceful shutdown", n) })
		}
		return consumers == 0
	})
}
