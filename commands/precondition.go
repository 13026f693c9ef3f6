// Package commands holds one handler per write command of the plan aggregate. A handler
// loads the aggregate from its snapshot, checks the caller's precondition, lets the
// aggregate decide, and commits the resulting event with an expected-version check, so
// optimistic concurrency reaches all the way down to the event store.
package commands

import (
	"errors"
	"slices"
)

// ErrPreconditionFailed: the caller's If-Match no longer describes the plan.
var ErrPreconditionFailed = errors.New("commands: precondition failed")

// Precondition is what the caller believes about the aggregate's version (If-Match).
type Precondition struct {
	conditional bool
	anyVersion  bool
	versions    []int64
}

// Unconditional: no If-Match; the command applies to whatever version is current.
func Unconditional() Precondition { return Precondition{} }

// IfExists is If-Match: *.
func IfExists() Precondition { return Precondition{conditional: true, anyVersion: true} }

// IfVersionIn is If-Match with a list of ETags; an empty list never holds.
func IfVersionIn(versions ...int64) Precondition {
	return Precondition{conditional: true, versions: versions}
}

// Conditional reports whether the caller named an expectation at all.
func (p Precondition) Conditional() bool { return p.conditional }

func (p Precondition) holds(exists bool, version int64) bool {
	switch {
	case !p.conditional:
		return true
	case !exists:
		return false
	case p.anyVersion:
		return true
	default:
		return slices.Contains(p.versions, version)
	}
}
