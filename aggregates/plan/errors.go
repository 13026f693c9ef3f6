package plan

import (
	"errors"
	"fmt"
	"strings"
)

// Domain errors, for errors.Is. The HTTP layer maps them (409, 404); they are always
// wrapped with the plan id.
var (
	// ErrAlreadyExists: Create on a plan that exists and is not deleted.
	ErrAlreadyExists = errors.New("plan already exists")
	// ErrNotFound: Replace, Patch or Delete on a plan never created or deleted.
	ErrNotFound = errors.New("plan not found")
	// ErrCorruptState: a snapshot or an applied change that this package cannot read
	// back. It signals a storage or programming fault, never bad client input.
	ErrCorruptState = errors.New("plan state is corrupt")
)

// Problem is one thing wrong with a document, at a JSON path (see the package comment
// for the path syntax; "" is the whole document).
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// ValidationError lists every problem found in a document, not just the first, ordered
// by path in document order, so a client can fix everything in one round trip.
type ValidationError struct {
	Problems []Problem
}

// Error summarises the problems on one line, for logs.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid plan document: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Path == "" {
			b.WriteString("document")
		} else {
			b.WriteString(p.Path)
		}
		b.WriteString(": ")
		b.WriteString(p.Message)
	}
	if len(e.Problems) == 0 {
		b.WriteString("no details")
	}
	return b.String()
}

// invalid builds a ValidationError with a single problem.
func invalid(path, message string) *ValidationError {
	return &ValidationError{Problems: []Problem{{Path: path, Message: message}}}
}

// problems collects Problems during one decode. It remembers which paths already have
// a problem so that a later pass does not report the consequence of an earlier one
// (a field of the wrong type decodes to its zero value, which the value rules would
// then flag a second time).
type problems struct {
	list []Problem
	at   map[string]bool
}

func (ps *problems) add(path, message string) {
	ps.list = append(ps.list, Problem{Path: path, Message: message})
	if ps.at == nil {
		ps.at = make(map[string]bool)
	}
	ps.at[path] = true
}

// covers reports whether path, or a path it lies under, already has a problem.
func (ps *problems) covers(path string) bool {
	if len(ps.at) == 0 {
		return false
	}
	for {
		if ps.at[path] {
			return true
		}
		if path == "" {
			return false
		}
		path = parentPath(path)
	}
}

// err returns nil when nothing was found, so callers can `return ps.err()`. The
// problems come out sorted in document order; past MaxProblems the rest are counted in
// a last problem at "".
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	sortProblems(ps.list)
	list := ps.list
	if len(list) > MaxProblems {
		more := len(list) - MaxProblems
		list = append(list[:MaxProblems:MaxProblems], Problem{
			Path:    "",
			Message: fmt.Sprintf("%d more problems not listed", more),
		})
	}
	return &ValidationError{Problems: list}
}
