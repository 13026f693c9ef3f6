package imports

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics of the import API and the workers of one process.
type Metrics struct {
	jobs       *prometheus.CounterVec // jobs accepted or refused by the API
	linesIn    prometheus.Counter     // lines received by uploads
	lines      *prometheus.CounterVec // lines processed by the workers, by outcome
	chunks     *prometheus.CounterVec // chunks handled by the workers, by result
	inProgress prometheus.Gauge       // chunks a worker of this process holds now
}

// NewMetrics registers the import metrics on reg; a nil reg registers nothing.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planstore_import_jobs_total", Help: "Import uploads, by how they ended (accepted, failed).",
		}, []string{"result"}),
		linesIn: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "planstore_import_lines_received_total", Help: "Lines received by import uploads.",
		}),
		lines: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planstore_import_lines_total", Help: "Import lines processed by this process's worker, by outcome (a chunk retried after a crash counts again here, not in the job).",
		}, []string{"outcome"}),
		chunks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planstore_import_chunks_total", Help: "Import chunks handled by this process's worker: done, retried (a transient error), skipped (cancelled or already done).",
		}, []string{"result"}),
		inProgress: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "planstore_import_chunks_in_progress", Help: "Import chunks this process's worker is processing now.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.jobs, m.linesIn, m.lines, m.chunks, m.inProgress} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("imports: register metrics: %w", err)
		}
	}
	return m, nil
}
