package load

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// PlanRef is a plan the run created, with the last ETag a client saw for it.
type PlanRef struct {
	ID   string
	etag atomic.Pointer[string]
}

// NewPlanRef returns a reference to plan id last seen with etag.
func NewPlanRef(id, etag string) *PlanRef {
	p := &PlanRef{ID: id}
	p.SetETag(etag)
	return p
}

// ETag is the last ETag seen for the plan.
func (p *PlanRef) ETag() string {
	if e := p.etag.Load(); e != nil {
		return *e
	}
	return ""
}

// SetETag records the ETag of the latest answer about the plan. Clients race, so an
// older answer may overwrite a newer one; the next If-Match then fails with 412 and
// the refresh puts it right, which is what a real client would live with too.
func (p *PlanRef) SetETag(etag string) {
	if etag != "" {
		p.etag.Store(&etag)
	}
}

// Pool holds the plans reads, patches and searches pick from. It is safe for
// concurrent use.
type Pool struct {
	mu    sync.RWMutex
	plans []*PlanRef
}

// Add makes a plan available to the other operations.
func (p *Pool) Add(ref *PlanRef) {
	p.mu.Lock()
	p.plans = append(p.plans, ref)
	p.mu.Unlock()
}

// Pick returns a uniformly random plan, or nil while the pool is empty.
func (p *Pool) Pick(r *rand.Rand) *PlanRef {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if len(p.plans) == 0 {
		return nil
	}
	return p.plans[r.IntN(len(p.plans))]
}

// Len is the number of plans in the pool.
func (p *Pool) Len() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return len(p.plans)
}

// All returns a copy of the pool's plans.
func (p *Pool) All() []*PlanRef {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return append([]*PlanRef(nil), p.plans...)
}
