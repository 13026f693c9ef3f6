package main

import (
	"net/http"
	"strconv"
)

// resolve settles a plan whose last write's outcome is unknown from what a read of the
// store answered (200 or 404). The store is the truth for what happened to that write;
// but a store that shows an older version than one it acknowledged, or has lost a plan
// it acknowledged creating, has lost an acknowledged write, and that is recorded.
func resolve(s planState, res response) planState {
	pending := s.Pending
	s.Uncertain, s.Pending = false, ""
	if res.Status == http.StatusOK {
		v := res.version()
		if v < s.Version {
			s.LostAck = "store shows version " + res.ETag + " after version " + itoa(s.Version) + " was acknowledged"
		}
		if s.Deleted && v <= s.Version {
			s.LostAck = "acknowledged delete undone: store shows " + res.ETag
		}
		s.Version, s.Doc, s.Deleted = v, res.Body, false
		return s
	}
	// 404: the plan is not there.
	switch {
	case pending == opDelete || pending == opCreate && !s.Acked:
		s.Deleted = true
	case pending == opPatch || s.Acked && !s.Deleted:
		s.LostAck = "acknowledged plan at version " + itoa(s.Version) + " is gone (404)"
		s.Deleted = true
	default:
		s.Deleted = true
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }
