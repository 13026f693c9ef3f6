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
	slots := newSlotCalls[*finalizeRequest](finalizeScript)
	for _, r := range batch {
		claimed, released := s.byPartition(r.reserved), s.byPartition(r.w.foreignReleases)
		for p := range s.keys.partitions {
			if len(claimed[p]) == 0 && len(released[p]) == 0 {
				continue
			}
			keys := append(s.ownerKeys(claimed[p]), s.ownerKeys(released[p])...)
			slots.add(p, r, keys, r.w.c.AggregateID, r.token, r.w.version, len(claimed[p]), len(keys))
		}
	}
	runScripts(ctx, s.rdb, slots.calls())
	logged := map[*finalizeRequest]bool{}
	for _, sc := range slots.slots {
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
