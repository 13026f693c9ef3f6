package amqp_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/amqp"
	"github.com/planstore/planstore/transport/messaging/bustest"
	"github.com/planstore/planstore/transport/testenv"
)

// TestAMQPConcurrentConsumerHandlesEventsAtOnceOnOneChannel: a consumer with
// Concurrency n is one AMQP consumer that hands out n messages at once.
func TestAMQPConcurrentConsumerHandlesEventsAtOnceOnOneChannel(t *testing.T) {
	const concurrency = 4
	url := testenv.Vhost(t)
	codec := testenv.PlanCodec(t)
	bus := testenv.AMQPBus(t, amqp.Config{URL: url, Logger: bustest.Logger(t), Consumers: []string{"projector"}, Prefetch: concurrency})
	var sent []events.Envelope
	for p := range 2 * concurrency {
		sent = append(sent, bustest.PlanEvent(fmt.Sprintf("p%d", p), 1, events.PlanCreated))
	}
	bustest.Publish(t, bus, codec, sent...)

	together := bustest.NewBarrier(concurrency)
	var got bustest.Received
	r := bustest.NewRouter(t, prometheus.NewRegistry())
	err := r.AddConsumer(bus, messaging.Consumer{Name: "projector", Concurrency: concurrency, Handle: together.Handle(got.Handle)})
	if err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	testenv.WaitFor(t, 60*time.Second, "every event", func() bool { return got.Distinct() == len(sent) })
	if !together.Reached() {
		t.Fatalf("%d handlers never ran at once", concurrency)
	}
	testenv.WaitFor(t, 10*time.Second, "consumer attached", func() bool { return r.Ready() == nil })
	if _, consumers := testenv.Queue(t, url, "planstore.projector"); consumers != 1 {
		t.Errorf("planstore.projector has %d AMQP consumers, want 1", consumers)
	}
}

func TestAMQPConcurrentSubscriptionsStillSkipDuplicates(t *testing.T) {
	url := testenv.Vhost(t)
	codec := testenv.PlanCodec(t)
	// Prefetch 2 and Concurrency 2: an empty queue means both copies are in this
	// process at once.
	bus := testenv.AMQPBus(t, amqp.Config{URL: url, Logger: bustest.Logger(t), Consumers: []string{"projector"}, Prefetch: 2})
	e := bustest.PlanEvent("p1", 1, events.PlanCreated)
	bustest.Publish(t, bus, codec, e, e) // a relay restart published it twice

	reg := prometheus.NewRegistry()
	entered := make(chan struct{}, 2)
	release := make(chan struct{})
	var got bustest.Received
	r := bustest.NewRouter(t, reg)
	err := r.AddConsumer(bus, messaging.Consumer{Name: "projector", Concurrency: 2, Handle: func(ctx context.Context, e events.Envelope) error {
		entered <- struct{}{}
		<-release
		return got.Handle(ctx, e)
	}})
	if err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	<-entered
	testenv.WaitFor(t, 30*time.Second, "both copies delivered", func() bool {
		ready, _ := testenv.Queue(t, url, "planstore.projector")
		return ready == 0
	})
	close(release)
	testenv.WaitFor(t, 30*time.Second, "the duplicate skipped", func() bool {
		return bustest.Counter(t, reg, "planstore_messaging_duplicates_total", "projector") == 1
	})
	if n := len(got.All()); n != 1 {
		t.Errorf("handler ran %d times for one event delivered twice at once", n)
	}
	if v := bustest.Counter(t, reg, "planstore_messaging_consumed_total", "projector"); v != 1 {
		t.Errorf("consumed_total = %v, want 1", v)
	}
}

// BenchmarkAMQPConsumerConcurrency measures events/s from a RabbitMQ queue through a
// consumer whose handler waits for a batched bulk write flushed every 5 ms, as the
// projector waits for its Elasticsearch writer: one event at a time pays a flush per
// event, while concurrent handlers share flushes. The queue is filled first (not timed).
//
//	go test -run '^$' -bench AMQPConsumerConcurrency -benchtime 2000x ./transport/messaging/amqp/
func BenchmarkAMQPConsumerConcurrency(b *testing.B) {
	for _, n := range []int{1, 16} {
		b.Run(fmt.Sprintf("concurrency=%d", n), func(b *testing.B) { benchmarkConsumer(b, n) })
	}
}

func benchmarkConsumer(b *testing.B, concurrency int) {
	url := testenv.Vhost(b)
	bus := newAMQPBus(b, url, "bench")
	fillQueue(b, bus, b.N)

	sink := newBulkSink(5 * time.Millisecond)
	b.Cleanup(sink.close)
	r := bustest.NewRouter(b, prometheus.NewRegistry())
	if err := r.AddConsumer(bus, messaging.Consumer{Name: "bench", Concurrency: concurrency, Handle: sink.write}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	testenv.RunRouter(b, r)
	testenv.WaitFor(b, 10*time.Minute, "every event written", func() bool { return sink.written.Load() == int64(b.N) })
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(b.N)/float64(sink.bulks.Load()), "events/bulk")
}

// fillQueue publishes n events of n/10 plans on the bus, a few publishes at a time.
func fillQueue(b *testing.B, bus messaging.Bus, n int) {
	b.Helper()
	codec := testenv.PlanCodec(b)
	plans := max(n/10, 1)
	work := make(chan events.Envelope)
	var publishers sync.WaitGroup
	var failed atomic.Value
	for range 16 {
		publishers.Go(func() {
			for e := range work {
				msg, err := messaging.NewEventMessage(codec, e)
				if err == nil {
					err = bus.EventPublisher().Publish(messaging.ExchangeName, msg)
				}
				if err != nil {
					failed.Store(err)
				}
			}
		})
	}
	for i := range n {
		work <- bustest.PlanEvent(fmt.Sprintf("plan-%d", i%plans), int64(i/plans+1), events.PlanPatched)
	}
	close(work)
	publishers.Wait()
	if err := failed.Load(); err != nil {
		b.Fatalf("fill the queue: %v", err)
	}
}

// bulkSink stands in for the projection writer in front of Elasticsearch: handlers queue
// their event and wait; every flushEvery a bulk write takes everything queued and
// releases its handlers. A lone handler thus waits for a flush per event, while
// concurrent handlers share flushes.
type bulkSink struct {
	mu      sync.Mutex
	queued  []chan struct{}
	stop    chan struct{}
	stopped chan struct{}
	written atomic.Int64
	bulks   atomic.Int64
}

func newBulkSink(flushEvery time.Duration) *bulkSink {
	s := &bulkSink{stop: make(chan struct{}), stopped: make(chan struct{})}
	go s.loop(flushEvery)
	return s
}

func (s *bulkSink) write(ctx context.Context, _ events.Envelope) error {
	done := make(chan struct{})
	s.mu.Lock()
	s.queued = append(s.queued, done)
	s.mu.Unlock()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *bulkSink) loop(flushEvery time.Duration) {
	defer close(s.stopped)
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-s.stop:
			return
		}
		s.mu.Lock()
		batch := s.queued
		s.queued = nil
		s.mu.Unlock()
		if len(batch) == 0 {
			continue
		}
		s.bulks.Add(1)
		s.written.Add(int64(len(batch)))
		for _, done := range batch {
			close(done)
		}
	}
}

func (s *bulkSink) close() {
	close(s.stop)
	<-s.stopped
}

// TestAConsumerTheBrokerCancelsConsumesAgain: deleting a consumer's queue cancels its AMQP
// consumer while the channel stays open; the subscriber declares the queue again and
// consumes from it, and what is published then arrives.
func TestAConsumerTheBrokerCancelsConsumesAgain(t *testing.T) {
	url := testenv.Vhost(t)
	codec := testenv.PlanCodec(t)
	bus := newAMQPBus(t, url, "projector")
	var got bustest.Received
	r := bustest.NewRouter(t, prometheus.NewRegistry())
	if err := r.AddConsumer(bus, messaging.Consumer{Name: "projector", Concurrency: 4, Handle: got.Handle}); err != nil {
		t.Fatal(err)
	}
	testenv.RunRouter(t, r)
	testenv.WaitFor(t, 30*time.Second, "consumer attached", func() bool { return r.Ready() == nil })

	if _, err := testenv.AMQPChannel(t, url).QueueDelete("planstore.projector", false, false, false); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 30*time.Second, "the queue declared again and consumed", func() bool {
		if !queueExists(t, url, "planstore.projector") {
			return false
		}
		_, consumers := testenv.Queue(t, url, "planstore.projector")
		return consumers == 1
	})
	e := bustest.PlanEvent("p1", 1, events.PlanCreated)
	bustest.Publish(t, bus, codec, e)
	testenv.WaitFor(t, 30*time.Second, "the event published after", func() bool { return got.Distinct() == 1 })
}
