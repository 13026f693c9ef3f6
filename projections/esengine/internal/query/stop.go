package query

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
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
	ErrStopTimedOut = wire.NewError(http.StatusOK, "search_timed_out", "the search timeout expired")
	// errStopCancelled ends an evaluation whose client went away.
	ErrStopCancelled = wire.NewError(499, "search_cancelled", "the client went away")
)

// SearchStop is what a running search checks to know whether to go on.
type SearchStop struct {
	Ctx      context.Context
	Deadline time.Time // zero: no timeout
	// evaluations counts the checks made, engine-wide: tests read it to see that the
	// work of a cancelled search really stopped.
	Evaluations *atomic.Int64
	Hook        func() // tests only: runs at every check
}

// check reports why the search must stop, or nil.
func (s *SearchStop) check() *wire.EsError {
	if s == nil {
		return nil
	}
	s.Evaluations.Add(1)
	if s.Hook != nil {
		s.Hook()
	}
	if s.Ctx != nil && s.Ctx.Err() != nil {
		return ErrStopCancelled
	}
	if !s.Deadline.IsZero() && !time.Now().Before(s.Deadline) {
		return ErrStopTimedOut
	}
	return nil
}

// Eval evaluates a clause, unless the search has to stop first. Every clause inside
// another (bool, has_child, has_parent) is evaluated through it.
func (c *EvalContext) Eval(q Query, scoring bool) (DocSet, *wire.EsError) {
	if err := c.Stop.check(); err != nil {
		return DocSet{}, err
	}
	return q.eval(c, scoring)
}

// Every returns a function to call once per document: every stopCheckEvery calls it
// checks whether the search must stop and reports the reason.
func (c *EvalContext) Every() func() *wire.EsError {
	n := 0
	return func() *wire.EsError {
		n++
		if n%stopCheckEvery != 0 {
			return nil
		}
		return c.Stop.check()
	}
}
