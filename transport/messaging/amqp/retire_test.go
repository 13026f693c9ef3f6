package amqp_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/amqp"
	"github.com/planstore/planstore/transport/messaging/bustest"
	"github.com/planstore/planstore/transport/testenv"
)

// queueExists asks the broker with a passive declare, which fails with NotFound for a
// missing queue.
func queueExists(t *testing.T, url, queue string) bool {
	t.Helper()
	exists := false
	testenv.WithChannel(t, url, func(ch *amqp091.Channel) {
		_, err := ch.QueueDeclarePassive(queue, true, false, false, false, nil)
		var brokerErr *amqp091.Error
		switch {
		case err == nil:
			exists = true
		case !errors.As(err, &brokerErr) || brokerErr.Code != amqp091.NotFound:
			t.Fatalf("queue %s: %v", queue, err)
		}
	})
	return exists
}

// TestARetiredConsumersQueuesAreDeletedOnceNothingConsumesThem: an earlier version's
// deployment declared a consumer ("old") that this one no longer has. While an older
// process still consumes its queue, the queue stays; once nobody does, the next bus
// deletes it, so the exchange stops copying events into it. Its dead-letter queue goes
// at the first start.
// The consumers the deployment has keep their queues.
func TestARetiredConsumersQueuesAreDeletedOnceNothingConsumesThem(t *testing.T) {
	for _, queueType := range []amqp.QueueType{amqp.QueueClassic, amqp.QueueQuorum} {
		t.Run(string(queueType), func(t *testing.T) { testRetirement(t, queueType) })
	}
}

func testRetirement(t *testing.T, queueType amqp.QueueType) {
	url := testenv.Vhost(t) // quorum queues work on one node too
	codec := testenv.PlanCodec(t)
	open := func(logger *slog.Logger, consumers, retired []string) {
		testenv.AMQPBus(t, amqp.Config{URL: url, QueueType: queueType, Logger: logger, Consumers: consumers, Retired: retired})
	}
	earlier := testenv.AMQPBus(t, amqp.Config{URL: url, QueueType: queueType, Logger: bustest.Logger(t), Consumers: []string{"old", "projector"}})
	bustest.Publish(t, earlier, codec, bustest.PlanEvent("p1", 1, events.PlanCreated))
	old, dead := messaging.QueueName("old"), messaging.DeadLetterQueueName("old")

	// An older process still attached to the queue.
	ch := testenv.AMQPChannel(t, url)
	if _, err := ch.Consume(old, "older-planstore", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	var logs testenv.LogBuffer
	open(logs.Logger(), []string{"projector"}, []string{"old"})
	if !queueExists(t, url, old) {
		t.Fatalf("%s was deleted while a consumer was attached", old)
	}
	if kept := testenv.Matching(logs.Records(t), map[string]string{"level": "WARN", "queue": old}); len(kept) != 1 {
		t.Errorf("no warning that %s was kept: %s", old, logs.String())
	}
	// Nothing consumes the dead-letter queue (an older process declares it again before
	// it dead-letters anything).
	if queueExists(t, url, dead) {
		t.Errorf("%s is still there", dead)
	}

	if err := ch.Close(); err != nil {
		t.Fatal(err)
	}
	logs = testenv.LogBuffer{}
	open(logs.Logger(), []string{"projector"}, []string{"old"})
	if queueExists(t, url, old) {
		t.Errorf("%s is still there", old)
	}
	deleted := testenv.Matching(logs.Records(t), map[string]string{"level": "INFO", "queue": old})
	if len(deleted) != 1 || deleted[0]["messages"] != float64(1) {
		t.Errorf("no log of the deletion of %s with the one event it held: %s", old, logs.String())
	}
	if !queueExists(t, url, messaging.QueueName("projector")) {
		t.Error("the projector's queue went too")
	}

	// A third start finds nothing to retire and says nothing about it.
	logs = testenv.LogBuffer{}
	open(logs.Logger(), []string{"projector"}, []string{"old"})
	if retired := testenv.Matching(logs.Records(t), map[string]string{"consumer": "old"}); len(retired) != 0 {
		t.Errorf("logs about a queue already gone: %v", retired)
	}
}

// TestARetiredConsumerWithAnInvalidNameIsRefused: retired names are checked like the
// consumers' own, before anything is deleted.
func TestARetiredConsumerWithAnInvalidNameIsRefused(t *testing.T) {
	_, err := amqp.New(amqp.Config{URL: testenv.Vhost(t), Consumers: []string{"projector"}, Retired: []string{"Old Audit"}})
	if err == nil || !strings.Contains(err.Error(), "Old Audit") {
		t.Fatalf("New with a retired consumer named %q: %v", "Old Audit", err)
	}
}
