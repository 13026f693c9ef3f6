package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/tenancy"
)

// Handler is any command handler of this package.
type Handler[C any] interface {
	Handle(ctx context.Context, cmd C) (Result, error)
}

// Metrics counts commands by outcome and the events they appended.
type Metrics struct {
	commands *prometheus.CounterVec
	duration *prometheus.HistogramVec
	appended prometheus.Counter
}

// NewMetrics registers the command metrics on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planstore_commands_total", Help: "Commands handled, by command and outcome.",
		}, []string{"command", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "planstore_command_duration_seconds", Help: "Command latency from load to commit.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}, []string{"command"}),
		appended: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "planstore_events_appended_total", Help: "Events committed to the event store.",
		}),
	}
	for _, c := range []prometheus.Collector{m.commands, m.duration, m.appended} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("commands: register metrics: %w", err)
		}
	}
	return m, nil
}

// Instrument decorates h so every command is counted by outcome and timed; the handler
// itself stays free of metrics code.
func Instrument[C any](name string, h Handler[C], m *Metrics) Handler[C] {
	return instrumented[C]{name: name, next: h, m: m}
}

type instrumented[C any] struct {
	name string
	next Handler[C]
	m    *Metrics
}

func (i instrumented[C]) Handle(ctx context.Context, cmd C) (Result, error) {
	start := time.Now()
	res, err := i.next.Handle(ctx, cmd)
	i.m.duration.WithLabelValues(i.name).Observe(time.Since(start).Seconds())
	outcome := Outcome(err)
	i.m.commands.WithLabelValues(i.name, outcome).Inc()
	if outcome == "ok" {
		i.m.appended.Inc() // every successful command appends exactly one event
	}
	return res, err
}

// Outcome names the class of a command's result for metrics and logs.
func Outcome(err error) string {
	var (
		invalid *plan.ValidationError
		taken   *events.ObjectIDTakenError
	)
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &invalid), errors.Is(err, tenancy.ErrOrgMismatch):
		return "invalid"
	case errors.Is(err, tenancy.ErrForbiddenOrg):
		return "forbidden"
	case errors.Is(err, ErrPreconditionFailed):
		return "precondition_failed"
	case errors.Is(err, plan.ErrNotFound), errors.Is(err, events.ErrNotFound):
		return "not_found"
	case errors.Is(err, plan.ErrAlreadyExists), errors.As(err, &taken), errors.Is(err, events.ErrVersionConflict):
		return "conflict"
	case errors.Is(err, events.ErrStorageFull):
		return "storage_full"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	case errors.Is(err, events.ErrUnavailable):
		return "unavailable"
	default:
		return "error"
	}
}
