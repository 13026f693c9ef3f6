package main

import (
	"encoding/json"
	"sort"
	"sync"
)

// planState is what the harness knows of one plan: the last state planstore
// acknowledged (or, after a write whose outcome is unknown, the state it read back).
type planState struct {
	ID string
	// Version is the aggregate version behind the ETag of Doc; for a deleted plan the
	// version of its last acknowledged state before the delete.
	Version int
	Doc     json.RawMessage
	Deleted bool
	// Acked is false for a plan whose create was never acknowledged: it must be either
	// wholly there or wholly absent, never half.
	Acked bool
	// Uncertain is set while a write's outcome is unknown and no read has settled it.
	Uncertain bool
	// LostAck is set when a read-back showed an older version than one acknowledged.
	LostAck string
	// Pending is the kind of the write whose outcome is unknown.
	Pending opKind
}

// ledger records every plan the load touched. Each plan belongs to one worker, so
// entries never see concurrent writes; the mutex only guards the map.
type ledger struct {
	mu    sync.Mutex
	plans map[string]*planState
}

func newLedger() *ledger { return &ledger{plans: map[string]*planState{}} }

func (l *ledger) put(s planState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := s
	l.plans[s.ID] = &c
}

func (l *ledger) get(id string) (planState, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.plans[id]
	if !ok {
		return planState{}, false
	}
	return *s, true
}

// all returns a copy of every entry, ordered by id so reports are stable.
func (l *ledger) all() []planState {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]planState, 0, len(l.plans))
	for _, s := range l.plans {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
