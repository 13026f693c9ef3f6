package messaging_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/testenv"
)

// barrier holds the first n callers of wait until all n have arrived, then lets
// everyone through; proof that n handlers ran at the same time.
type barrier struct {
	n       int
	arrived atomic.Int32
	all     chan struct{}
	once    sync.Once
}

func newBarrier(n int) *barrier { return &barrier{n: n, all: make(chan struct{})} }

// wait returns an error if the others do not arrive within the hang guard.
func (b *barrier) wait() error {
	if int(b.arrived.Add(1)) >= b.n {
		b.once.Do(func() { close(b.all) })
	}
	select {
	case <-b.all:
		return nil
	case <-time.After(30 * time.Second):
		return errors.New("hang guard: the other handlers never arrived")
	}
}

func (b *barrier) reached() bool {
	select {
	case <-b.all:
		return true
	default:
		return false
	}
}

func TestAMQPConcurrentConsumerHandlesEventsAtOnceOnCompetingSubscriptions(t *testing.T) {
	const concurrency = 4
	url := testenv.Vhost(t)
	codec := testCodec(t)
	// One message per subscription: with more, the first subscription to attach would
	// take the whole backlog before the others started.
	bus, err := messaging.NewAMQPBus(messaging.AMQPConfig{URL: url, Logger: testLogger(t), Consumers: []string{"projector"}, Prefetch: concurrency})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	var sent []events.Envelope
	for p := range 2 * concurrency {
		sent = append(sent, planEvent(fmt.Sprintf("p%d", p), 1, events.PlanCreated))
	}
	publish(t, bus, codec, sent...)

	together := newBarrier(concurrency)
	var got received
	r := newRouter(t, prometheus.NewRegistry())
	err = r.AddConsumer(bus, messaging.Consumer{Name: "projector", Concurrency: concurrency, Handle: func(ctx context.Context, e events.Envelope) error {
		if err := together.wait(); err != nil {
			return messaging.Permanent(err)
		}
		return got.handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	startRouter(t, r)
	testenv.WaitFor(t, 60*time.Second, "every event", func() bool { return got.distinct() == len(sent) })
	if !together.reached() {
		t.Fatalf("%d handlers never ran at once", concurrency)
	}
	testenv.WaitFor(t, 10*time.Second, "consumer attached", func() bool { return r.Ready() == nil })
	if _, consumers := testenv.Queue(t, url, "planstore.projector"); consumers != concurrency {
		t.Errorf("planstore.projector has %d AMQP consumers, want %d", consumers, concurrency)
	}
}

func TestAMQPConcurrentSubscriptionsStillSkipDuplicates(t *testing.T) {
	url := testenv.Vhost(t)
	codec := testCodec(t)
	// Prefetch 2 over 2 subscriptions: each holds one message, so an empty queue means
	// both copies are in this process at once.
	bus, err := messaging.NewAMQPBus(messaging.AMQPConfig{URL: url, Logger: testLogger(t), Consumers: []string{"projector"}, Prefetch: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	e := planEvent("p1", 1, events.PlanCreated)
	publish(t, bus, codec, e, e) // a relay restart published it twice

	reg := prometheus.NewRegistry()
	entered := make(chan struct{}, 2)
	release := make(chan struct{})
	var got received
	r := newRouter(t, reg)
	err = r.AddConsumer(bus, messaging.Consumer{Name: "projector", Concurrency: 2, Handle: func(ctx context.Context, e events.Envelope) error {
		entered <- struct{}{}
		<-release
		return got.handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	startRouter(t, r)
	<-entered
	testenv.WaitFor(t, 30*time.Second, "both copies delivered", func() bool {
		ready, _ := testenv.Queue(t, url, "planstore.projector")
		return ready == 0
	})
	close(release)
	testenv.WaitFor(t, 30*time.Second, "the duplicate skipped", func() bool {
		return counter(t, reg, "planstore_messaging_duplicates_total", "projector") == 1
	})
	if n := len(got.all()); n != 1 {
		t.Errorf("handler ran %d times for one event delivered twice at once", n)
	}
	if v := counter(t, reg, "planstore_messaging_consumed_total", "projector"); v != 1 {
		t.Errorf("consumed_total = %v, want 1", v)
	}
}

func TestEmbeddedConsumerHandlesEventsOfDifferentShardsAtOnce(t *testing.T) {
	const shards = 4
	codec := testCodec(t)
	bus, err := messaging.NewEmbeddedBus(messaging.EmbeddedConfig{Logger: testLogger(t), Consumers: []string{"audit"}, Shards: shards})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	together := newBarrier(shards)
	var got received
	r := newRouter(t, prometheus.NewRegistry())
	err = r.AddConsumer(bus, messaging.Consumer{Name: "audit", Handle: func(ctx context.Context, e events.Envelope) error {
		if err := together.wait(); err != nil {
			return messaging.Permanent(err)
		}
		return got.handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	startRouter(t, r)
	testenv.WaitFor(t, 10*time.Second, "consumer attached", func() bool { return r.Ready() == nil })

	// One plan per shard; each publish blocks until the consumer acknowledged.
	var publishing sync.WaitGroup
	for _, id := range planPerShard(shards) {
		msg, err := messaging.NewEventMessage(codec, planEvent(id, 1, events.PlanCreated))
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
	if !together.reached() || got.distinct() != shards {
		t.Fatalf("handled %d events, at once: %v; want %d at once", got.distinct(), together.reached(), shards)
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
