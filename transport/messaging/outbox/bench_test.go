package outbox_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging/outbox"
	"github.com/planstore/planstore/transport/testenv"
)

// relayPipeline is outbox -> relay -> RabbitMQ -> one consumer, on a fresh vhost. The
// consumer runs at once, the relay when startRelay is called.
func relayPipeline(b *testing.B, store outbox.Outbox) (*sink, func()) {
	b.Helper()
	url := testenv.Vhost(b)
	bus := newAMQPBus(b, url, "bench")
	relay, consumers, got := newPipeline(b, prometheus.NewRegistry(), store, bus, "bench")
	testenv.RunRouter(b, consumers)
	return got, func() { testenv.RunRouter(b, relay) }
}

// reportRate runs start, which sets b.N events going, and reports how many events per
// second got through once done holds.
func reportRate(b *testing.B, what string, start func(), done func() bool) {
	b.ResetTimer()
	began := time.Now()
	start()
	testenv.WaitFor(b, 10*time.Minute, what, done)
	elapsed := time.Since(began)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}

// BenchmarkRelayThroughput commits b.N events at once and measures how fast they are
// relayed through RabbitMQ (publisher confirms) and consumed: events/s end to end.
func BenchmarkRelayThroughput(b *testing.B) {
	store := newMemOutbox()
	got, startRelay := relayPipeline(b, store)
	startRelay()
	evs := history("bench", max(b.N/10, 1), 10)[:b.N]
	reportRate(b, "every event at the consumer", func() { store.Append(evs...) }, func() bool { return got.distinct() == b.N })
}

// BenchmarkRelayThroughputFromRedis is BenchmarkRelayThroughput with the Redis event
// store as the outbox: b.N events committed first (not timed), then relayed and consumed.
func BenchmarkRelayThroughputFromRedis(b *testing.B) {
	store := openRedisStore(b)
	got, startRelay := relayPipeline(b, store)
	plans := max(b.N/10, 1)
	commits := make([]events.Commit, 0, b.N)
	for v := 1; len(commits) < b.N; v++ {
		for p := 0; p < plans && len(commits) < b.N; p++ {
			commits = append(commits, commitFor("bench", p, v))
		}
	}
	for _, c := range commits {
		if err := store.Append(context.Background(), c); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, "every event at the consumer", startRelay, func() bool { return got.distinct() == b.N })
}

// BenchmarkRelayPublishOnly measures the relay alone: b.N events from the outbox into
// a RabbitMQ queue nobody consumes, confirmed and acknowledged back to the outbox.
func BenchmarkRelayPublishOnly(b *testing.B) {
	url := testenv.Vhost(b)
	store := newMemOutbox()
	bus := newAMQPBus(b, url, "bench")
	relay := newRouter(b, prometheus.NewRegistry())
	addRelay(b, relay, store, bus)
	testenv.RunRouter(b, relay)
	evs := history("bench", max(b.N/10, 1), 10)[:b.N]
	reportRate(b, "every event relayed", func() { store.Append(evs...) }, func() bool { return store.Unacked() == 0 })
}

// BenchmarkRelayLatency commits b.N events at a steady 1,000 events/s (well below the
// relay's capacity) in commits of one event, and reports commit-to-consumer latency.
func BenchmarkRelayLatency(b *testing.B) {
	store := newMemOutbox()
	got, startRelay := relayPipeline(b, store)
	startRelay()
	evs := history("latency", max(b.N/10, 1), 10)[:b.N]
	const rate = 1000
	tick := time.NewTicker(time.Second / 100)
	defer tick.Stop()
	b.ResetTimer()
	for i := 0; i < len(evs); {
		<-tick.C
		for n := 0; n < rate/100 && i < len(evs); n, i = n+1, i+1 {
			evs[i].OccurredAt = time.Now()
			store.Append(evs[i])
		}
	}
	testenv.WaitFor(b, 10*time.Minute, "every event at the consumer", func() bool { return got.distinct() == b.N })
	b.StopTimer()
	got.mu.Lock()
	lat := slices.Clone(got.latencies)
	got.mu.Unlock()
	slices.Sort(lat)
	for _, q := range []struct {
		name string
		p    float64
	}{{"p50-ms", 0.50}, {"p95-ms", 0.95}, {"p99-ms", 0.99}} {
		b.ReportMetric(float64(lat[int(q.p*float64(len(lat)-1))].Microseconds())/1000, q.name)
	}
}

// BenchmarkRelayEmbedded is BenchmarkRelayThroughput on the in-process bus, with two
// consumers as in planstore serve.
func BenchmarkRelayEmbedded(b *testing.B) {
	store := newMemOutbox()
	bus := newEmbeddedBus(b, "one", "two")
	r := newRouter(b, prometheus.NewRegistry())
	one, two := newSink(), newSink()
	for name, s := range map[string]*sink{"one": one, "two": two} {
		if err := r.AddConsumer(bus, s.consumer(name)); err != nil {
			b.Fatal(err)
		}
	}
	addRelay(b, r, store, bus)
	testenv.RunRouter(b, r)
	evs := history("bench", max(b.N/10, 1), 10)[:b.N]
	reportRate(b, "every event at both consumers", func() { store.Append(evs...) }, func() bool { return one.distinct() == b.N && two.distinct() == b.N })
}
