package messaging_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/bustest"
	"github.com/planstore/planstore/transport/testenv"
)

func TestEmbeddedConsumerHandlesEventsOfDifferentShardsAtOnce(t *testing.T) {
	const shards = 4
	codec := testenv.PlanCodec(t)
	bus, err := messaging.NewEmbeddedBus(messaging.EmbeddedConfig{Logger: bustest.Logger(t), Consumers: []string{"audit"}, Shards: shards})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	together := bustest.NewBarrier(shards)
	var got bustest.Received
	r := bustest.NewRouter(t, prometheus.NewRegistry())
	err = r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: func(ctx context.Context, e events.Envelope) error {
		if err := together.Wait(); err != nil {
			return messaging.Permanent(err)
		}
		return got.Handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	testenv.WaitFor(t, 10*time.Second, "consumer attached", func() bool { return r.Ready() == nil })

	// One plan per shard; each publish blocks until the consumer acknowledged.
	var publishing sync.WaitGroup
	for _, id := range planPerShard(shards) {
		msg, err := messaging.NewEventMessage(codec, bustest.PlanEvent(id, 1, events.PlanCreated))
		if err != nil {
			t.Fatal(err)
		}
		publishing.Go(func() {
			if err := bus.EventPublisher().Publish(messaging.ExchangeName, msg); err != nil {
				t.Errorf("publish to %s: %v", id, err)
			}
		})
	}
	publishing.Wait()
	if !together.Reached() || got.Distinct() != shards {
		t.Fatalf("handled %d events, at once: %v; want %d at once", got.Distinct(), together.Reached(), shards)
	}
}

// planPerShard returns n plan ids, each on a different one of n shards.
func planPerShard(n int) []string {
	ids := make([]string, n)
	found := 0
	for i := 0; found < n; i++ {
		id := fmt.Sprintf("plan-%d", i)
		if s := events.PartitionOf(id, n); ids[s] == "" {
			ids[s] = id
			found++
		}
	}
	return ids
}
