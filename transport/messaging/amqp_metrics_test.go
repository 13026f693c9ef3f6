package messaging_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/bustest"
	"github.com/planstore/planstore/transport/testenv"
)

func TestAMQPConsumerLagAndQueueDepthMetricsMove(t *testing.T) {
	url := testenv.Vhost(t)
	codec := testenv.PlanCodec(t)
	// Prefetch 1: the consumer holds one event, the rest stay ready in the queue.
	bus, err := messaging.NewAMQPBus(messaging.AMQPConfig{URL: url, Logger: bustest.Logger(t), Consumers: []string{"audit"}, Prefetch: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
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
	err = r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: func(ctx context.Context, e events.Envelope) error {
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
