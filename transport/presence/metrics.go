package presence

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// collector exports planstore_instances{role,status} from the store at scrape time, so
// every role reports every instance, the dead ones included (their own metrics vanish
// with them).
type collector struct {
	store Store
	desc  *prometheus.Desc
}

// RegisterMetrics adds planstore_instances to reg.
func RegisterMetrics(reg prometheus.Registerer, store Store) error {
	return reg.Register(&collector{store: store, desc: prometheus.NewDesc(
		"planstore_instances",
		"Role instances of the deployment by status (up, down: no heartbeat for 5 s, stopped), from their heartbeats.",
		[]string{"role", "status"}, nil)})
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	all, err := List(ctx, c.store, time.Now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	counts := map[[2]string]int{}
	for _, i := range all {
		counts[[2]string{i.Role, i.Status}]++
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}
