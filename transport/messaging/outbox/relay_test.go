package outbox_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/transport/testenv"
)

func TestRelayThroughRabbitMQDeliversEveryEventInPlanOrder(t *testing.T) {
	url := testenv.Vhost(t)
	store := newMemOutbox()
	bus := newAMQPBus(t, url, "audit")
	reg := prometheus.NewRegistry()
	relay, consumers, got := newPipeline(t, reg, store, bus, "audit")
	testenv.RunRouter(t, consumers)
	testenv.RunRouter(t, relay)

	evs := history("plan", 40, 10)
	store.Append(evs...)
	testenv.WaitFor(t, 60*time.Second, "every event at the consumer", func() bool { return got.distinct() == len(evs) })
	testenv.WaitFor(t, 10*time.Second, "the outbox to be acknowledged", func() bool { return store.Unacked() == 0 })
	got.check(t, ids(evs))
	testenv.WaitFor(t, 10*time.Second, "relay and consumer ready", func() bool { return relay.Ready() == nil && consumers.Ready() == nil })
}

// TestRelayOnTheEmbeddedBusWithTheBoltStore runs the relay with its lanes on one
// subscription and on several (SubscriberConfig.Streams): either way every event reaches
// both consumers once, in per-plan order.
func TestRelayOnTheEmbeddedBusWithTheBoltStore(t *testing.T) {
	for _, streams := range []int{1, 4} {
		t.Run(fmt.Sprintf("streams=%d", streams), func(t *testing.T) {
			relayOnTheEmbeddedBusWithTheBoltStore(t, streams)
		})
	}
}

func relayOnTheEmbeddedBusWithTheBoltStore(t *testing.T, streams int) {
	store := testenv.BoltStore(t)
	bus := newEmbeddedBus(t, "audit", "projector")

	// One router for everything, as planstore serve may run it.
	r := newRouter(t, prometheus.NewRegistry())
	audit, projector := newSink(), newSink()
	for _, c := range []struct {
		name string
		sink *sink
	}{{"audit", audit}, {"projector", projector}} {
		if err := r.AddConsumer(bus, c.sink.consumer(c.name)); err != nil {
			t.Fatal(err)
		}
	}
	addRelayStreams(t, r, store, bus, streams)
	stop := testenv.RunRouter(t, r)

	evs := appendHistory(t, store, "plan", 20, 5)
	testenv.WaitFor(t, 60*time.Second, "every event at both consumers", func() bool {
		return audit.distinct() == len(evs) && projector.distinct() == len(evs)
	})
	stop()
	audit.check(t, ids(evs))
	projector.check(t, ids(evs))
	if left, _ := store.ReadOutbox(t.Context(), "check", 10, 0); len(left) != 0 {
		t.Errorf("%d events left unacknowledged in the outbox", len(left))
	}
}
