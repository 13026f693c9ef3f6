// Package progress shows a running load test on stderr: a line rewritten in place on a
// terminal, a plain line every few seconds otherwise (CI logs, files).
package progress

import "sync/atomic"

// Counters are what the workers report while they run. Updating them is two atomic
// adds, cheap enough for every request.
type Counters struct {
	ops    atomic.Int64
	errors atomic.Int64
	phase  atomic.Pointer[string]
}

// Done counts one finished request.
func (c *Counters) Done(isError bool) {
	c.ops.Add(1)
	if isError {
		c.errors.Add(1)
	}
}

// SetPhase names what the run is doing now ("preload", "warmup", "measure").
func (c *Counters) SetPhase(phase string) { c.phase.Store(&phase) }

func (c *Counters) snapshot() (phase string, ops, errors int64) {
	if p := c.phase.Load(); p != nil {
		phase = *p
	}
	return phase, c.ops.Load(), c.errors.Load()
}
