package esengine

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// A search stops early for two reasons, checked between clauses and every
// stopCheckEvery documents of the loops that walk documents:
//   - its client went away (the request's context is done): the work is abandoned and
//     RoundTrip returns the context's error, as a cluster's connection would fail;
//   - its timeout parameter expired: like Elasticsearch, the search answers what it had
//     collected with timed_out: true.
//
// Without these a heavy query kept both cores busy for minutes after its clients had
// gone (issue 14).

// stopCheckEvery is how many documents a loop handles between two checks: a check costs
// a clock read, a document a few nanoseconds.
const stopCheckEvery = 1024

var (
	// errStopTimedOut ends an evaluation whose timeout expired.
	errStopTimedOut = newError(http.StatusOK, "search_timed_out", "the search timeout expired")
	// errStopCancelled ends an evaluation whose client went away.
	errStopCancelled = newError(499, "search_cancelled", "the client went away")
)

// searchStop is what a running search checks to know whether to go on.
type searchStop struct {
	ctx      context.Context
	deadline time.Time // zero: no timeout
	// evaluations counts the checks made, engine-wide: tests read it to see that the
	// work of a cancelled search really stopped.
	evaluations *atomic.Int64
	hook        func() // tests only: runs at every check
}

// check reports why the search must stop, or nil.
func (s *searchStop) check() *esError {
	if s == nil {
		return nil
	}
	s.evaluations.Add(1)
	if s.hook != nil {
		s.hook()
	}
	if s.ctx != nil && s.ctx.Err() != nil {
		return errStopCancelled
	}
	if !s.deadline.IsZero() && !time.Now().Before(s.deadline) {
		return errStopTimedOut
	}
	return nil
}

// eval evaluates a clause, unless the search has to stop first. Every clause inside
// another (bool, has_child, has_parent) is evaluated through it.
func (c *evalContext) eval(q query, scoring bool) (docSet, *esError) {
	if err := c.stop.check(); err != nil {
		return docSet{}, err
	}
	return q.eval(c, scoring)
}

// every returns a function to call once per document: every stopCheckEvery calls it
// checks whether the search must stop and reports the reason.
func (c *evalContext) every() func() *esError {
	n := 0
	return func() *esError {
		n++
		if n%stopCheckEvery != 0 {
			return nil
		}
		return c.stop.check()
	}
}
