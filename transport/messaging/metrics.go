package messaging

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are what every consumer and the relay report. They are registered on the
// registry the caller passes in (never the global one), and several routers of one
// process may share a registry: the second registration reuses the first's collectors.
// The README lists them.
type Metrics struct {
	reg          *prometheus.Registry
	consumed     *prometheus.CounterVec
	duplicates   *prometheus.CounterVec
	failed       *prometheus.CounterVec
	deadLettered *prometheus.CounterVec
	lag          *prometheus.HistogramVec
	lastLag      *prometheus.GaugeVec
	queueDepth   *prometheus.GaugeVec
	relayed      prometheus.Counter
	relayFailed  prometheus.Counter
	relayLeading prometheus.Gauge
}

// NewMetrics registers the messaging metrics on reg; a nil reg gives working metrics
// that nobody exports (tests, tools).
func NewMetrics(reg *prometheus.Registry) (*Metrics, error) {
	m := &Metrics{
		reg:          reg,
		consumed:     consumerCounter("planstore_messaging_consumed_total", "Events a consumer handled successfully."),
		duplicates:   consumerCounter("planstore_messaging_duplicates_total", "Redelivered events a consumer skipped because it had already handled them."),
		failed:       consumerCounter("planstore_messaging_failed_total", "Handler attempts that returned an error or panicked (each retry counts)."),
		deadLettered: consumerCounter("planstore_messaging_dead_lettered_total", "Events moved to a consumer's dead-letter queue after their retries."),
		lag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "planstore_consumer_lag_seconds",
			Help: "Time from an event's occurred_at to its successful handling by a consumer.",
			// 1 ms to about 9 minutes: a consumer catching up on a backlog lags for minutes.
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 20),
		}, perConsumer),
		lastLag: consumerGauge("planstore_consumer_last_lag_seconds", "Lag (occurred_at to handled) of the event a consumer handled last; 0 once it has nothing in hand."),
		queueDepth: consumerGauge("planstore_consumer_queue_depth",
			"Events waiting for a consumer: ready messages in its RabbitMQ queue, or on the embedded bus events being published it has not acknowledged. Polled every second by the consumer's process and by the relay; absent while the bus cannot tell."),
		relayed:      prometheus.NewCounter(prometheus.CounterOpts{Name: "planstore_relay_published_total", Help: "Outbox events the relay published and the bus confirmed."}),
		relayFailed:  prometheus.NewCounter(prometheus.CounterOpts{Name: "planstore_relay_publish_failures_total", Help: "Relay publish attempts the bus refused or did not confirm (retried later)."}),
		relayLeading: prometheus.NewGauge(prometheus.GaugeOpts{Name: "planstore_relay_leading", Help: "1 while this process's relay reads the outbox, 0 while it waits on standby (or runs no relay)."}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	m.consumed = register(reg, m.consumed, &err)
	m.duplicates = register(reg, m.duplicates, &err)
	m.failed = register(reg, m.failed, &err)
	m.deadLettered = register(reg, m.deadLettered, &err)
	m.lag = register(reg, m.lag, &err)
	m.lastLag = register(reg, m.lastLag, &err)
	m.queueDepth = register(reg, m.queueDepth, &err)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// RegisterRelay exports the relay's metrics; outbox.AddRelay calls it, so that a process
// without a relay (a projector) does not export "relay not leading" for an alert on
// "no relay leads" to fire on.
func (m *Metrics) RegisterRelay() error {
	if m.reg == nil {
		return nil
	}
	var err error
	m.relayed = register(m.reg, m.relayed, &err)
	m.relayFailed = register(m.reg, m.relayFailed, &err)
	m.relayLeading = register(m.reg, m.relayLeading, &err)
	return err
}

// perConsumer labels every consumer metric with the consumer's name.
var perConsumer = []string{"consumer"}

func consumerCounter(name, help string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, perConsumer)
}

func consumerGauge(name, help string) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, perConsumer)
}

// register adds c to reg, or returns the collector already registered under the same
// name, so that two routers in one process (planstore serve) can share one registry.
func register[C prometheus.Collector](reg *prometheus.Registry, c C, firstErr *error) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var already prometheus.AlreadyRegisteredError
	if errors.As(err, &already) {
		if existing, ok := already.ExistingCollector.(C); ok {
			return existing
		}
	}
	if *firstErr == nil {
		*firstErr = fmt.Errorf("messaging: register metrics: %w", err)
	}
	return c
}

// RelayPublished counts n events the bus confirmed; used by the relay.
func (m *Metrics) RelayPublished(n int) { m.relayed.Add(float64(n)) }

// RelayFailed counts one refused or unconfirmed relay publish.
func (m *Metrics) RelayFailed() { m.relayFailed.Inc() }

// RelayLeading records whether this process's relay reads the outbox.
func (m *Metrics) RelayLeading(leading bool) {
	if leading {
		m.relayLeading.Set(1)
		return
	}
	m.relayLeading.Set(0)
}
