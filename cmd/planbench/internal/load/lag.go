package load

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/planstore/planstore/cmd/planbench/internal/client"
	"github.com/planstore/planstore/cmd/planbench/internal/stats"
	"github.com/planstore/planstore/internal/periodic"
)

// LagProber measures projection lag: the time from a create's 201 until the plan is
// returned by /v1/search. Sampled plans are polled together, one ids query per poll
// interval for all of them, so the probe load stays at one search per interval however
// many plans are pending (polling each plan separately every 5 ms would itself load
// the server with thousands of searches per second).
//
// A plan counts as searchable at the moment the answer showing it arrived: the lag is
// an upper bound, at most one poll interval plus one search above the true one.
type LagProber struct {
	c       *client.Client
	every   int64         // sample one create in every
	poll    time.Duration // between two polls
	giveUp  time.Duration // a plan not seen this long after its 201 counts as not seen
	offered atomic.Int64

	mu      sync.Mutex
	pending map[string]time.Time // plan id -> when its 201 arrived
	lag     *stats.Histogram
	sampled int64
	notSeen int64
	failure string // first failed poll, shown in the report
}

// maxIDsPerQuery bounds one ids query; more pending plans take several queries per poll.
const maxIDsPerQuery = 500

// NewLagProber samples the fraction sample (0..1] of the offered creates.
func NewLagProber(c *client.Client, sample float64, poll, giveUp time.Duration) *LagProber {
	every := int64(1)
	if sample > 0 && sample < 1 {
		every = int64(1/sample + 0.5)
	}
	return &LagProber{c: c, every: every, poll: poll, giveUp: giveUp,
		pending: map[string]time.Time{}, lag: stats.NewHistogram()}
}

// Offer tells the prober that plan id was created at createdAt; it keeps every n-th.
func (p *LagProber) Offer(id string, createdAt time.Time) {
	if (p.offered.Add(1)-1)%p.every != 0 {
		return
	}
	p.mu.Lock()
	p.pending[id] = createdAt
	p.sampled++
	p.mu.Unlock()
}

// Run polls until ctx ends.
func (p *LagProber) Run(ctx context.Context) {
	periodic.Every(ctx, p.poll, func() { p.pollOnce(ctx) })
}

// Finish keeps polling after the load stopped until every sampled plan was seen or
// given up on, or ctx ends.
func (p *LagProber) Finish(ctx context.Context) {
	for ctx.Err() == nil && p.pendingCount() > 0 {
		p.pollOnce(ctx)
		select {
		case <-ctx.Done():
		case <-time.After(p.poll):
		}
	}
}

func (p *LagProber) pendingCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pending)
}

func (p *LagProber) pollOnce(ctx context.Context) {
	p.mu.Lock()
	ids := make([]string, 0, len(p.pending))
	for id := range p.pending {
		ids = append(ids, id)
	}
	p.mu.Unlock()
	for len(ids) > 0 {
		batch := ids[:min(len(ids), maxIDsPerQuery)]
		ids = ids[len(batch):]
		res, err := p.c.Search(ctx, client.IDsQuery(batch))
		seenAt := time.Now()
		p.mu.Lock()
		if err != nil && ctx.Err() == nil && p.failure == "" {
			p.failure = err.Error()
		}
		for _, id := range res.IDs {
			if created, ok := p.pending[id]; ok {
				p.lag.Record(seenAt.Sub(created))
				delete(p.pending, id)
			}
		}
		for _, id := range batch {
			if created, ok := p.pending[id]; ok && seenAt.Sub(created) > p.giveUp {
				p.notSeen++
				delete(p.pending, id)
			}
		}
		p.mu.Unlock()
	}
}

// Report summarizes the lag of the sampled plans. Plans still pending count as not seen.
func (p *LagProber) Report() (stats.LagReport, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return stats.LagReport{
		PollIntervalMs: float64(p.poll) / float64(time.Millisecond),
		Sampled:        p.sampled,
		Seen:           p.lag.Count(),
		NotSeen:        p.notSeen + int64(len(p.pending)),
		Latency:        p.lag.Summary(),
	}, p.failure
}
