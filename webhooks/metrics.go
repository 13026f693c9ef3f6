package webhooks

import "github.com/prometheus/client_golang/prometheus"

// Metrics of deliveries.
type Metrics struct {
	attempts    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	deadLetters *prometheus.GaugeVec
}

// NewMetrics registers the webhook metrics on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planstore_webhook_delivery_attempts_total",
			Help: "Webhook delivery attempts by subscription and outcome (delivered, failed, dead_lettered, redelivered).",
		}, []string{"subscription", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "planstore_webhook_delivery_seconds",
			Help:    "Time from sending a webhook to its response, by result (ok or error).",
			Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10),
		}, []string{"result"}),
		deadLetters: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "planstore_webhook_dead_letters",
			Help: "Events in each subscription's dead-letter list.",
		}, []string{"subscription"}),
	}
	for _, c := range []prometheus.Collector{m.attempts, m.latency, m.deadLetters} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
