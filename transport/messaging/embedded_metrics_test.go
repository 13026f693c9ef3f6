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
