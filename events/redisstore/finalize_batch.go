package redisstore

import "context"

// batchLimit bounds how many commits one batched step takes, so one script call stays
// short (the server runs nothing else meanwhile).
const batchLimit = 64

type finalizeRequest struct {
	w        *write
	token    string
	reserved []string
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
