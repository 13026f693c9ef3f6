package messaging_test

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/bustest"
	"github.com/planstore/planstore/transport/testenv"
)

func newAMQPBus(t testing.TB, url string, consumers ...string) *messaging.AMQPBus {
	t.Helper()
	return testenv.AMQPBus(t, messaging.AMQPConfig{URL: url, Logger: bustest.Logger(t), Consumers: consumers, DrainTimeout: 20 * time.Second})
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
