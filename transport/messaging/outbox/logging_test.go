package outbox_test

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/transport/messaging/outbox"
	"github.com/planstore/planstore/transport/testenv"
)

func TestRelayAndConsumerLogsCarryTheCorrelationIDOfAnEvent(t *testing.T) {
	url := testenv.Vhost(t)
	store := newMemOutbox()
	bus := newAMQPBus(t, url, "audit")
	reg := prometheus.NewRegistry()

	var relayLog, consumerLog testenv.LogBuffer
	relay := newRouterLoggingTo(t, reg, relayLog.Logger())
	addRelayWith(t, relay, bus, outbox.SubscriberConfig{
		Outbox: store, Codec: testenv.PlanCodec(t), Logger: relayLog.Logger(), Reader: "relay-test", ReadWait: 200 * time.Millisecond,
	})
	consumers := newRouterLoggingTo(t, reg, consumerLog.Logger())
	got := newSink()
	if err := consumers.AddConsumer(bus, got.consumer("audit")); err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, consumers)
	testenv.RunRouter(t, relay)

	e := history("plan", 1, 1)[0]
	store.Append(e)
	testenv.WaitFor(t, 30*time.Second, "the event at the consumer", func() bool { return got.distinct() == 1 })

	fields := map[string]string{"correlation_id": e.CorrelationID, "event_id": e.ID, "event_type": string(e.Type), "aggregate_id": e.AggregateID, "version": "1", "level": "DEBUG"}
	testenv.WaitFor(t, 10*time.Second, "the relay's log line", func() bool {
		return len(testenv.Matching(relayLog.Records(t), fields, "msg", "event relayed", "relay", "relay-test")) == 1
	})
	if n := len(testenv.Matching(consumerLog.Records(t), fields, "msg", "event handled", "consumer", "audit")); n != 1 {
		t.Errorf("consumer logged the event %d times with its correlation id, want 1:\n%s", n, consumerLog.String())
	}
}

func TestRelayLogsEveryFailedPublishOnceWithTheEventsFields(t *testing.T) {
	store := newMemOutbox()
	// A consumer ("audit") is expected but never attaches: every publish is refused.
	bus := newEmbeddedBus(t, "audit")
	reg := prometheus.NewRegistry()
	var logs testenv.LogBuffer
	relay := newRouterLoggingTo(t, reg, logs.Logger())
	addRelayWith(t, relay, bus, outbox.SubscriberConfig{
		Outbox: store, Codec: testenv.PlanCodec(t), Logger: logs.Logger(), ReadWait: 200 * time.Millisecond,
		RedeliverMin: time.Millisecond, RedeliverMax: 10 * time.Millisecond,
	})
	stop := testenv.RunRouter(t, relay)
	e := history("plan", 1, 1)[0]
	store.Append(e)
	testenv.WaitFor(t, 30*time.Second, "a few failed publishes", func() bool {
		return failures(t, reg) >= 3
	})
	stop()

	failed := failures(t, reg)
	warned := testenv.Matching(logs.Records(t), map[string]string{"level": "WARN", "correlation_id": e.CorrelationID, "event_id": e.ID, "aggregate_id": e.AggregateID},
		"msg", "relay publish failed; the event's lane retries after a backoff")
	if float64(len(warned)) != failed {
		t.Errorf("%d warnings for %v failed publishes, want one each:\n%s", len(warned), failed, logs.String())
	}
	if errs := testenv.Matching(logs.Records(t), map[string]string{"level": "ERROR"}); len(errs) > 0 {
		t.Errorf("a retried publish was also logged as an error: %v", errs)
	}
}

func failures(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "planstore_relay_publish_failures_total" {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	return 0
}
