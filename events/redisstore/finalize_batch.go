package redisstore

import (
	"context"
	"sync"
)

// finalizeBatchLimit bounds how many commits one finalize pass takes, so one script
// call stays short (the server runs nothing else meanwhile).
const finalizeBatchLimit = 64

// finalizer joins the finalize steps of concurrent commits: one of the waiting callers
// (the leader) runs them all in one pipeline with one script call per slot, the others
// wait for it, and the next leader takes whatever queued up meanwhile. Each caller
// still returns only after its own finalize ran, as before; what changes is that a
// cluster create's clean-up costs a share of one script call per slot instead of one
// each (group commit, as boltstore does for its fsync).
type finalizer struct {
	mu      sync.Mutex
	queue   []*finalizeRequest
	leading bool // a caller is running a batch, or was handed the next one
}

type finalizeRequest struct {
	w        *write
	token    string
	reserved []string

	wake     chan struct{} // finished, or this caller leads the next batch
	finished bool
}

func (f *finalizer) run(ctx context.Context, s *Store, r *finalizeRequest) {
	r.wake = make(chan struct{}, 1)
	f.mu.Lock()
	f.queue = append(f.queue, r)
	if f.leading {
		f.mu.Unlock()
		<-r.wake
		if r.finished {
			return
		}
		f.mu.Lock() // handed the lead: r is first in the queue
	} else {
		f.leading = true
	}
	n := min(len(f.queue), finalizeBatchLimit)
	batch := f.queue[:n:n]
	f.queue = f.queue[n:]
	f.mu.Unlock()

	s.finalizeBatch(ctx, batch)
	for _, other := range batch {
		if other != r {
			other.finished = true
			other.wake <- struct{}{}
		}
	}

	f.mu.Lock()
	if len(f.queue) == 0 {
		f.leading = false
		f.mu.Unlock()
		return
	}
	next := f.queue[0]
	f.mu.Unlock()
	next.wake <- struct{}{}
}

// finalizeBatch runs the finalize step of every request in one pipeline: one script call
// per slot, holding a group of keys and arguments per commit (lua/finalize.lua).
func (s *Store) finalizeBatch(ctx context.Context, batch []*finalizeRequest) {
	ctx, cancel := cleanupContext(ctx)
	defer cancel()
	type slotCall struct {
		call   *scriptCall
		groups int
		owners []*finalizeRequest
	}
	bySlot := map[int]*slotCall{}
	var order []int
	for _, r := range batch {
		claimed, released := s.byPartition(r.reserved), s.byPartition(r.w.foreignReleases)
		for p := range s.keys.partitions {
			if len(claimed[p]) == 0 && len(released[p]) == 0 {
				continue
			}
			sc, ok := bySlot[p]
			if !ok {
				sc = &slotCall{call: &scriptCall{script: finalizeScript, args: []any{0}}}
				bySlot[p] = sc
				order = append(order, p)
			}
			keys := append(s.ownerKeys(claimed[p]), s.ownerKeys(released[p])...)
			sc.call.keys = append(sc.call.keys, keys...)
			sc.call.args = append(sc.call.args, r.w.c.AggregateID, r.token, r.w.version, len(claimed[p]), len(keys))
			sc.groups++
			sc.owners = append(sc.owners, r)
		}
	}
	calls := make([]*scriptCall, 0, len(order))
	for _, p := range order {
		sc := bySlot[p]
		sc.call.args[0] = sc.groups
		calls = append(calls, sc.call)
	}
	runScripts(ctx, s.rdb, calls)
	logged := map[*finalizeRequest]bool{}
	for _, p := range order {
		sc := bySlot[p]
		if sc.call.cmd.Err() == nil {
			continue
		}
		for _, r := range sc.owners {
			if !logged[r] {
				logged[r] = true
				s.logFailures(r.w, "finalize", []*scriptCall{sc.call})
			}
		}
	}
}
