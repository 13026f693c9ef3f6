package main

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// opKind names what a request did.
type opKind string

const (
	opCreate opKind = "create"
	opPatch  opKind = "patch"
	opDelete opKind = "delete"
	opRead   opKind = "read"
	opSearch opKind = "search"
)

var opKinds = []opKind{opCreate, opPatch, opDelete, opRead, opSearch}

// tally counts the outcomes of one kind of operation in one phase.
type tally struct {
	OK int
	// Unavailable: 503 with Retry-After inside a failover window that may cause it.
	Unavailable int
	// Failed: anything else that is not the answer asked for (the goal is none).
	Failed int
	// FirstUnavailable and LastUnavailable are the offsets of the first and last 503
	// from the fault's injection.
	FirstUnavailable, LastUnavailable time.Duration
}

// counters collects every outcome by phase and kind, the failures worded, and per role
// and second whether it failed or served (for judging /readyz).
type counters struct {
	mu       sync.Mutex
	byPhase  nestedMap[string, opKind, tally]
	failures []string
	failSeen int
	perRole  nestedMap[string, int64, roleSecond]
}

// roleSecond is what one role did in one second of the run.
type roleSecond struct{ ok, failed int }

const maxFailureSamples = 30

func newCounters() *counters {
	return &counters{byPhase: nestedMap[string, opKind, tally]{}, perRole: nestedMap[string, int64, roleSecond]{}}
}

// outcome classifies one answer. expected says which statuses are the answer asked for.
func (c *counters) record(p phase, role string, kind opKind, res response, at time.Time, expected ...int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.byPhase.at(p.Name, kind)
	rs := c.perRole.at(role, at.Unix())
	if res.Err == nil {
		for _, s := range expected {
			if res.Status == s {
				t.OK++
				rs.ok++
				return true
			}
		}
	}
	rs.failed++
	if res.Err == nil && res.Status == 503 && res.RetryAfter != "" && p.insideWindow(at) && p.Fault.affects(kind) {
		off := at.Sub(p.InjectedAt)
		if t.Unavailable == 0 || off < t.FirstUnavailable {
			t.FirstUnavailable = off
		}
		if off > t.LastUnavailable {
			t.LastUnavailable = off
		}
		t.Unavailable++
		return false
	}
	t.Failed++
	c.failSeen++
	if len(c.failures) < maxFailureSamples {
		c.failures = append(c.failures, fmt.Sprintf("%s %s %s on %s: %s", at.UTC().Format("15:04:05.000"), p.Name, kind, role, res.detail()))
	}
	return false
}

func (c *counters) tallyOf(phaseName string, kind opKind) tally {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byPhase.copyOf(phaseName, kind)
}

// second says what role did in the second starting at unix second s.
func (c *counters) second(role string, s int64) roleSecond {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.perRole.copyOf(role, s)
}

func (c *counters) failureSamples() ([]string, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := append([]string(nil), c.failures...)
	sort.Strings(out)
	return out, c.failSeen
}
