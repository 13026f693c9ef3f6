package main

import (
	"sync"
	"time"
)

// phase is one stretch of the run: the baseline before any fault, then one per fault
// from its injection until the next fault (recovery and settling included).
type phase struct {
	Name  string
	Fault *fault // nil for the baseline and the tail
	Start time.Time
	// InjectedAt and RecoveredAt bound the fault; RecoveredAt is when the node was back
	// and its cluster answered again (zero while it is not).
	InjectedAt, RecoveredAt time.Time
	End                     time.Time
	// Detail says what the fault did, e.g. which port it killed.
	Detail string
}

// clock says which phase a moment belongs to. The fault driver moves it on; workers
// and samplers only read it.
type clock struct {
	mu     sync.Mutex
	phases []*phase
}

func (c *clock) begin(name string, f *fault, now time.Time) *phase {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.phases); n > 0 && c.phases[n-1].End.IsZero() {
		c.phases[n-1].End = now
	}
	p := &phase{Name: name, Fault: f, Start: now}
	c.phases = append(c.phases, p)
	return p
}

func (c *clock) finish(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.phases); n > 0 && c.phases[n-1].End.IsZero() {
		c.phases[n-1].End = now
	}
}

func (c *clock) markInjected(p *phase, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p.InjectedAt = at
}

func (c *clock) describe(p *phase, detail string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p.Detail = detail
}

func (c *clock) markRecovered(p *phase, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p.RecoveredAt = at
}

// at returns the phase t falls in (the latest that started at or before t) and a copy of
// its times, so callers can judge offsets without holding the lock.
func (c *clock) at(t time.Time) (phase, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.phases) - 1; i >= 0; i-- {
		if !c.phases[i].Start.After(t) {
			return *c.phases[i], true
		}
	}
	return phase{}, false
}

func (c *clock) snapshot() []phase {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]phase, len(c.phases))
	for i, p := range c.phases {
		out[i] = *p
	}
	return out
}

// unavailableGrace is how long after a node is back a 503 + Retry-After still counts as
// part of its failover: clients' pools and cluster slot maps take a moment to catch up.
const unavailableGrace = 10 * time.Second

// insideWindow says whether a 503 at t belongs to the fault's failover window.
func (p phase) insideWindow(t time.Time) bool {
	if p.Fault == nil || p.InjectedAt.IsZero() || t.Before(p.InjectedAt) {
		return false
	}
	return p.RecoveredAt.IsZero() || !t.After(p.RecoveredAt.Add(unavailableGrace))
}
