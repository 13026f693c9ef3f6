package amqp_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/amqp"
	"github.com/planstore/planstore/transport/messaging/bustest"
	"github.com/planstore/planstore/transport/testenv"
)

func newAMQPBus(t testing.TB, url string, consumers ...string) *amqp.Bus {
	t.Helper()
	return testenv.AMQPBus(t, amqp.Config{URL: url, Logger: bustest.Logger(t), Consumers: consumers, DrainTimeout: 20 * time.Second})
}

func TestAMQPEventsReachTheConsumerQueueDeclaredBeforeItAttached(t *testing.T) {
	url := testenv.Vhost(t)
	codec := testenv.PlanCodec(t)
	bus := newAMQPBus(t, url, "audit")

	// A queue bound to deleted events only: proves the routing key is the event type.
	ch := testenv.AMQPChannel(t, url)
	if _, err := ch.QueueDeclare("deleted-only", false, true, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind("deleted-only", "plan.deleted", messaging.ExchangeName, false, nil); err != nil {
		t.Fatal(err)
	}

	sent := []events.Envelope{
		bustest.PlanEvent("p1", 1, events.PlanCreated),
		bustest.PlanEvent("p1", 2, events.PlanPatched),
		bustest.PlanEvent("p1", 3, events.PlanDeleted),
	}
	bustest.Publish(t, bus, codec, sent...) // before the consumer ever ran: waits in planstore.audit

	deleted := testenv.Drain(t, url, "deleted-only")
	if len(deleted) != 1 || deleted[0].RoutingKey != "plan.deleted" || deleted[0].MessageId != sent[2].ID ||
		deleted[0].DeliveryMode != amqp091.Persistent || deleted[0].Type != "plan.deleted" || deleted[0].CorrelationId != "corr-p1" {
		t.Fatalf("deleted-only queue got %+v, want one persistent plan.deleted message of event %s", deleted, sent[2].ID)
	}

	var got bustest.Received
	r := bustest.NewRouter(t, prometheus.NewRegistry())
	if err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: got.Handle}); err != nil {
		t.Fatal(err)
	}
	if err := r.Ready(); err == nil {
		t.Error("router ready before it runs")
	}
	testenv.RunRouter(t, r)
	testenv.WaitFor(t, 30*time.Second, "3 events", func() bool { return got.Distinct() == 3 })
	for i, e := range got.All() {
		if e.ID != sent[i].ID || e.Version != sent[i].Version {
			t.Errorf("event %d: got %s v%d, want %s v%d", i, e.ID, e.Version, sent[i].ID, sent[i].Version)
		}
	}
	testenv.WaitFor(t, 10*time.Second, "consumer attached", func() bool { return r.Ready() == nil })
	if _, consumers := testenv.Queue(t, url, "planstore.audit"); consumers != 1 {
		t.Errorf("planstore.audit has %d consumers, want 1", consumers)
	}
}

// The AMQP bus passes the acceptance suite, each test on a vhost of its own; its dead
// letters wait in the consumer's dead-letter queue.
func TestAMQPBusAcceptance(t *testing.T) {
	urls := map[messaging.Bus]string{}
	bustest.Run(t, bustest.Adapter{
		New: func(t testing.TB, consumers ...string) messaging.Bus {
			url := testenv.Vhost(t)
			bus := newAMQPBus(t, url, consumers...)
			urls[bus] = url
			return bus
		},
		DeadLetters: func(t testing.TB, bus messaging.Bus, consumer string, want int) []string {
			queue := messaging.DeadLetterQueueName(consumer)
			testenv.WaitFor(t, 30*time.Second, "the dead letters", func() bool {
				n, _ := testenv.Queue(t, urls[bus], queue)
				return n == want
			})
			var ids []string
			for _, d := range testenv.Drain(t, urls[bus], queue) {
				if reason, _ := d.Headers["reason_poisoned"].(string); reason == "" {
					t.Errorf("dead letter %s has no reason_poisoned header: %v", d.MessageId, d.Headers)
				}
				ids = append(ids, d.MessageId)
			}
			return ids
		},
	})
}

func TestConsumerLogsEachEventWithItsCorrelationIDAndEachFailureOnce(t *testing.T) {
	url := testenv.Vhost(t)
	codec := testenv.PlanCodec(t)
	bus := newAMQPBus(t, url, "audit")
	var logs testenv.LogBuffer
	cfg := bustest.RouterConfig(t, prometheus.NewRegistry())
	cfg.Logger = logs.Logger()
	r := bustest.NewRouterFrom(t, cfg)

	good := bustest.PlanEvent("p1", 1, events.PlanCreated)
	poison := bustest.PlanEvent("p2", 1, events.PlanCreated)
	handlerSaw := make(chan string, 1)
	var got bustest.Received
	err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: func(ctx context.Context, e events.Envelope) error {
		if e.ID == poison.ID {
			return errors.New("this event always fails")
		}
		handlerSaw <- messaging.CorrelationIDFrom(ctx)
		return got.Handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	bustest.Publish(t, bus, codec, poison, good)
	testenv.WaitFor(t, 30*time.Second, "the good event", func() bool { return got.Distinct() == 1 })
	testenv.WaitFor(t, 30*time.Second, "the dead letter", func() bool {
		n, _ := testenv.Queue(t, url, "planstore.audit.dlq")
		return n == 1
	})
	if id := <-handlerSaw; id != good.CorrelationID {
		t.Errorf("handler context carries correlation id %q, want %q", id, good.CorrelationID)
	}

	records := logs.Records(t)
	handled := testenv.Matching(records, map[string]string{"msg": "event handled", "level": "DEBUG", "consumer": "audit",
		"correlation_id": good.CorrelationID, "event_id": good.ID, "event_type": "plan.created", "aggregate_id": "p1", "version": "1"})
	if len(handled) != 1 {
		t.Errorf("%d debug lines of the handled event with all its fields, want 1; log:\n%s", len(handled), dump(records))
	}
	// The poison event: tried 3 times (2 retries), dead-lettered once.
	failures := slices.DeleteFunc(testenv.Matching(records, map[string]string{"event_id": poison.ID}), func(rec map[string]any) bool {
		return rec["level"] == "DEBUG" || rec["level"] == "INFO"
	})
	var summary []string
	for _, rec := range failures {
		if rec["correlation_id"] != poison.CorrelationID || rec["consumer"] != "audit" || rec["aggregate_id"] != "p2" {
			t.Errorf("failure line lacks the event's fields: %v", rec)
		}
		summary = append(summary, rec["level"].(string)+" "+rec["msg"].(string))
	}
	want := []string{"WARN event handling failed; retrying", "WARN event handling failed; retrying", "ERROR event dead-lettered"}
	if !slices.Equal(summary, want) {
		t.Errorf("failure lines of the poison event: %q, want %q; log:\n%s", summary, want, dump(records))
	}
	// Nothing else (Watermill's router, its Retry) reported the failure again.
	for _, rec := range records {
		if (rec["level"] == "WARN" || rec["level"] == "ERROR") && rec["event_id"] == nil {
			t.Errorf("failure logged without the event's fields: %v", rec)
		}
	}
}

func dump(records []map[string]any) string {
	var b strings.Builder
	for _, rec := range records {
		fmt.Fprintf(&b, "%v %q consumer=%v event_id=%v correlation_id=%v error=%v\n",
			rec["level"], rec["msg"], rec["consumer"], rec["event_id"], rec["correlation_id"], rec["error"])
	}
	return b.String()
}

func TestAMQPConsumerLagAndQueueDepthMetricsMove(t *testing.T) {
	url := testenv.Vhost(t)
	codec := testenv.PlanCodec(t)
	// Prefetch 1: the consumer holds one event, the rest stay ready in the queue.
	bus := testenv.AMQPBus(t, amqp.Config{URL: url, Logger: bustest.Logger(t), Consumers: []string{"audit"}, Prefetch: 1})
	const backlog = 5
	var sent []events.Envelope
	for v := range backlog {
		e := bustest.PlanEvent("p1", int64(v+1), events.PlanPatched)
		e.OccurredAt = time.Now().Add(-time.Minute) // so every lag is at least a minute
		sent = append(sent, e)
	}
	bustest.Publish(t, bus, codec, sent...)

	reg := prometheus.NewRegistry()
	cfg := bustest.RouterConfig(t, reg)
	cfg.QueueDepthInterval = 20 * time.Millisecond
	r := bustest.NewRouterFrom(t, cfg)
	release := make(chan struct{})
	var got bustest.Received
	err := r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: func(ctx context.Context, e events.Envelope) error {
		<-release
		return got.Handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	testenv.WaitFor(t, 30*time.Second, "queue depth of the backlog but the event in hand", func() bool {
		depth, ok := bustest.Gauge(t, reg, "planstore_consumer_queue_depth", "audit")
		return ok && depth == backlog-1
	})
	if n := bustest.HistogramCount(t, reg, "planstore_consumer_lag_seconds", "audit"); n != 0 {
		t.Errorf("lag observed %d times before any event was handled", n)
	}
	close(release)
	testenv.WaitFor(t, 30*time.Second, "an empty queue", func() bool {
		depth, ok := bustest.Gauge(t, reg, "planstore_consumer_queue_depth", "audit")
		return ok && depth == 0 && got.Distinct() == backlog
	})
	if n := bustest.HistogramCount(t, reg, "planstore_consumer_lag_seconds", "audit"); n != backlog {
		t.Errorf("lag observed %d times, want %d", n, backlog)
	}
	// Nothing is in hand any more: the last lag reads 0, not the minute of the last event.
	testenv.WaitFor(t, 10*time.Second, "the last lag to read 0 when idle", func() bool {
		last, ok := bustest.Gauge(t, reg, "planstore_consumer_last_lag_seconds", "audit")
		return ok && last == 0
	})
	if v := bustest.Counter(t, reg, "planstore_messaging_consumed_total", "audit"); v != backlog {
		t.Errorf("consumed_total = %v, want %d", v, backlog)
	}
}

// On RabbitMQ the tooling works on the dead-letter queue itself: a listing leaves every
// message in place, a redelivery moves one to the consumer's queue, a discard drops one.
func TestAMQPDeadLettersListRedeliverDiscard(t *testing.T) {
	url := testenv.Vhost(t)
	codec := testenv.PlanCodec(t)
	bus := testenv.AMQPBus(t, amqp.Config{URL: url, Logger: bustest.Logger(t), Consumers: []string{"projector"}})
	poison, err := bus.DeadLetterPublisher("projector")
	if err != nil {
		t.Fatal(err)
	}
	evs := []events.Envelope{bustest.PlanEvent("p1", 1, events.PlanCreated), bustest.PlanEvent("p2", 1, events.PlanCreated), bustest.PlanEvent("p3", 1, events.PlanCreated)}
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
	dl, err := amqp.NewDeadLetters(url, "test dead letters")
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
