package replay

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Latest is the running job's status, or else the last finished job's; false before
// the first replay.
func (r *Replayer) Latest() (Status, bool) {
	r.mu.Lock()
	prog := r.running
	if prog == nil && len(r.finished) > 0 {
		prog = r.jobs[r.finished[len(r.finished)-1]]
	}
	r.mu.Unlock()
	if prog == nil {
		return Status{}, false
	}
	return prog.status(), true
}

// RegisterMetrics exposes the progress of the current (or last) replay on reg, read at
// scrape time, so an operator can watch a rebuild on /metrics as well as on its job URL.
func RegisterMetrics(reg prometheus.Registerer, r *Replayer) error {
	latest := func(f func(Status) float64) func() float64 {
		return func() float64 {
			s, ok := r.Latest()
			if !ok {
				return 0
			}
			return f(s)
		}
	}
	gauges := []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "planstore_replay_running", Help: "1 while a replay of the read model runs in this process.",
		}, latest(func(s Status) float64 {
			if s.Done() {
				return 0
			}
			return 1
		})),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "planstore_replay_events_read", Help: "Events read by the current or last replay.",
		}, latest(func(s Status) float64 { return float64(s.EventsRead) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "planstore_replay_events_total", Help: "Events in the log when the current or last replay started (0 if unknown).",
		}, latest(func(s Status) float64 { return float64(s.EventsTotal) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "planstore_replay_documents_written", Help: "Read-model documents written by the current or last replay.",
		}, latest(func(s Status) float64 { return float64(s.DocumentsWritten) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "planstore_replay_rate_per_second", Help: "Events per second of the current or last replay.",
		}, latest(func(s Status) float64 { return s.RatePerSecond })),
	}
	for _, g := range gauges {
		if err := reg.Register(g); err != nil {
			return fmt.Errorf("replay: register metrics: %w", err)
		}
	}
	return nil
}
