package outbox_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/outbox"
	"github.com/planstore/planstore/transport/testenv"
)

func TestRelayAndConsumerLogsCarryTheCorrelationIDOfAnEvent(t *testing.T) {
	url := testenv.Vhost(t)
	store := newMemOutbox()
	bus := newAMQPBus(t, url, "audit")
	reg := prometheus.NewRegistry()

	var relayLog, consumerLog logBuffer
	relay, err := messaging.NewRouter(messaging.RouterConfig{Logger: relayLog.logger(), Registry: reg, CloseTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = outbox.AddRelay(relay, outbox.RelayConfig{
		SubscriberConfig: outbox.SubscriberConfig{Outbox: store, Codec: testCodec(t), Logger: relayLog.logger(), Reader: "relay-test", ReadWait: 200 * time.Millisecond},
		Bus:              bus,
	})
	if err != nil {
		t.Fatal(err)
	}
	consumers, err := messaging.NewRouter(messaging.RouterConfig{Logger: consumerLog.logger(), Codec: testCodec(t), Registry: reg, CloseTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	got := newSink()
	if err := consumers.AddConsumer(bus, got.consumer("audit")); err != nil {
		t.Fatal(err)
	}
	run(t, consumers)
	run(t, relay)

	e := history("plan", 1, 1)[0]
	store.Append(e)
	testenv.WaitFor(t, 30*time.Second, "the event at the consumer", func() bool { return got.distinct() == 1 })

	fields := map[string]string{"correlation_id": e.CorrelationID, "event_id": e.ID, "event_type": string(e.Type), "aggregate_id": e.AggregateID, "version": "1", "level": "DEBUG"}
	testenv.WaitFor(t, 10*time.Second, "the relay's log line", func() bool {
		return len(relayLog.matching(t, fields, "msg", "event relayed", "relay", "relay-test")) == 1
	})
	if n := len(consumerLog.matching(t, fields, "msg", "event handled", "consumer", "audit")); n != 1 {
		t.Errorf("consumer logged the event %d times with its correlation id, want 1:\n%s", n, consumerLog.String())
	}
}

func TestRelayLogsEveryFailedPublishOnceWithTheEventsFields(t *testing.T) {
	store := newMemOutbox()
	// The audit consumer is expected but never attaches: every publish is refused.
	bus, err := messaging.NewEmbeddedBus(messaging.EmbeddedConfig{Logger: testLogger(t), Consumers: []string{"audit"}})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	reg := prometheus.NewRegistry()
	var logs logBuffer
	relay, err := messaging.NewRouter(messaging.RouterConfig{Logger: logs.logger(), Registry: reg, CloseTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = outbox.AddRelay(relay, outbox.RelayConfig{
		SubscriberConfig: outbox.SubscriberConfig{Outbox: store, Codec: testCodec(t), Logger: logs.logger(), ReadWait: 200 * time.Millisecond,
			RedeliverMin: time.Millisecond, RedeliverMax: 10 * time.Millisecond},
		Bus: bus,
	})
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, relay)
	e := history("plan", 1, 1)[0]
	store.Append(e)
	testenv.WaitFor(t, 30*time.Second, "a few failed publishes", func() bool {
		return failures(t, reg) >= 3
	})
	stop()

	failed := failures(t, reg)
	warned := logs.matching(t, map[string]string{"level": "WARN", "correlation_id": e.CorrelationID, "event_id": e.ID, "aggregate_id": e.AggregateID},
		"msg", "relay publish failed; the event's lane retries after a backoff")
	if float64(len(warned)) != failed {
		t.Errorf("%d warnings for %v failed publishes, want one each:\n%s", len(warned), failed, logs.String())
	}
	if errs := logs.matching(t, map[string]string{"level": "ERROR"}); len(errs) > 0 {
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

// logBuffer collects JSON log lines for a test to read back.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write takes one record: slog's JSON handler writes each record with one call.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logger logs everything, debug included, into b.
func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// matching returns the records that have every field of want and of the key-value
// pairs kv.
func (b *logBuffer) matching(t *testing.T, want map[string]string, kv ...string) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	all := map[string]string{}
	for k, v := range want {
		all[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		all[kv[i]] = kv[i+1]
	}
	var out []map[string]any
	for line := range bytes.Lines(b.buf.Bytes()) {
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		match := true
		for k, v := range all {
			if s, _ := rec[k].(string); s != v {
				match = false
			}
		}
		if match {
			out = append(out, rec)
		}
	}
	return out
}
