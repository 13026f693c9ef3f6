package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events/redisstore"
)

// pipelineCacheFor: a scrape and a /readyz probe arriving together ask Redis once.
const pipelineCacheFor = 500 * time.Millisecond

// pipelineTimeout bounds one look at the pipeline (a scrape must not hang on Redis).
const pipelineTimeout = 2 * time.Second

// progressReader is what the pipeline view needs of the Redis event store.
type progressReader interface {
	OutboxBacklog(ctx context.Context) (redisstore.Backlog, error)
	Unapplied(ctx context.Context, consumer string) (time.Time, error)
}

// pipelineView measures, from the event store alone, what waits between a commit and the
// read model: the outbox backlog (committed, not yet relayed) and the oldest event the
// projector has not applied. It needs neither the relay nor the projector to be alive,
// which is the point: it reports them missing.
type pipelineView struct {
	store      progressReader
	projection bool // also measure the projector's progress (query API)

	mu   sync.Mutex
	at   time.Time
	last pipelineState
}

type pipelineState struct {
	measuredAt time.Time
	backlog    redisstore.Backlog
	unapplied  time.Time // oldest event not in the read model; zero when none
	err        error
}

// backlogAge is how long the oldest unrelayed event has waited; 0 when none waits.
func (s pipelineState) backlogAge() time.Duration { return since(s.measuredAt, s.backlog.Oldest) }

// projectionLag is how long the oldest event not yet in the read model has waited; 0
// when the read model has every committed event.
func (s pipelineState) projectionLag() time.Duration { return since(s.measuredAt, s.unapplied) }

func since(now, t time.Time) time.Duration {
	if t.IsZero() {
		return 0
	}
	return max(now.Sub(t), 0)
}

func (v *pipelineView) measure(ctx context.Context) pipelineState {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.at.IsZero() && time.Since(v.at) < pipelineCacheFor {
		return v.last
	}
	ctx, cancel := context.WithTimeout(ctx, pipelineTimeout)
	defer cancel()
	s := pipelineState{}
	s.backlog, s.err = v.store.OutboxBacklog(ctx)
	if s.err == nil && v.projection {
		s.unapplied, s.err = v.store.Unapplied(ctx, consumerProjector)
	}
	s.measuredAt = time.Now()
	v.at, v.last = s.measuredAt, s
	return s
}

// register exports the view as gauges computed at scrape time, so they are never a poll
// interval old.
func (v *pipelineView) register(reg prometheus.Registerer) error {
	now := func() pipelineState { return v.measure(context.Background()) }
	gauges := []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "planstore_outbox_backlog_events",
			Help: "Events committed to the event store and not yet relayed to the bus (confirmed). Grows while no relay leads.",
		}, func() float64 { return float64(now().backlog.Events) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "planstore_outbox_backlog_age_seconds",
			Help: "How long the oldest event of the outbox backlog has waited for a relay; 0 when none waits.",
		}, func() float64 { return now().backlogAge().Seconds() }),
	}
	if v.projection {
		gauges = append(gauges, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "planstore_projection_lag_seconds",
			Help: "How long the oldest committed event not yet in the read model has waited (relay and projector together); 0 when the read model has every event.",
		}, func() float64 { return now().projectionLag().Seconds() }))
	}
	for _, g := range gauges {
		if err := reg.Register(g); err != nil {
			return fmt.Errorf("pipeline metrics: %w", err)
		}
	}
	return nil
}

// freshness is the query API's readiness verdict on its read model: stale when an event
// committed longer ago than maxLag is not in it, naming the stage it waits in.
func (s pipelineState) freshness(maxLag time.Duration) error {
	if s.err != nil {
		return s.err
	}
	lag := s.projectionLag()
	if maxLag <= 0 || lag <= maxLag {
		return nil
	}
	round := func(d time.Duration) time.Duration { return d.Round(100 * time.Millisecond) }
	if age := s.backlogAge(); age > maxLag {
		return fmt.Errorf("stale: %d event(s) committed and not relayed, the oldest %s ago (over --max-projection-lag %s): is a relay running?",
			s.backlog.Events, round(age), maxLag)
	}
	return fmt.Errorf("stale: an event relayed to the bus and committed %s ago is not in the read model (over --max-projection-lag %s): is the projector running?",
		round(lag), maxLag)
}
