package redisstore

import (
	"context"
	"fmt"
)

// claimRequest is the reservation step of one transaction: its objectIds by partition,
// and after the batch ran, each partition's reply or the error of its script call.
type claimRequest struct {
	w       *write
	token   string
	byPart  map[int][]string
	replies map[int]reply
	errs    map[int]error
}

// claimBatch runs the reservation step of every request in one round trip per node: one
// claim.lua call per slot, holding a group per transaction (all or none per group).
// It runs on the leader's behalf for callers whose contexts may differ, so it takes
// none of them: like clean-up it is bounded by cleanupTimeout.
func (s *Store) claimBatch(ctx context.Context, batch []*claimRequest) {
	ctx, cancel := cleanupContext(ctx)
	defer cancel()
	slots := newSlotCalls[*claimRequest](claimScript)
	for _, r := range batch {
		r.replies, r.errs = map[int]reply{}, map[int]error{}
		for p, ids := range r.byPart {
			args := append([]any{r.w.c.AggregateID, r.token, r.w.version, len(ids)}, toAny(ids)...)
			slots.add(p, r, s.ownerKeys(ids), args...)
		}
	}
	s.runDurably(ctx, slots.calls())
	for _, sc := range slots.slots {
		replies, err := groupReplies(sc.call, len(sc.owners))
		for group, r := range sc.owners {
			if err != nil {
				r.errs[sc.partition] = err
				continue
			}
			r.replies[sc.partition] = replies[group]
		}
	}
}

// groupReplies splits a batched script's reply, one array per group.
func groupReplies(call *scriptCall, groups int) ([]reply, error) {
	v, err := call.cmd.Result()
	if err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok || len(list) != groups {
		return nil, fmt.Errorf("unexpected batched reply %v", v)
	}
	out := make([]reply, groups)
	for i, g := range list {
		items, ok := g.([]any)
		if !ok {
			return nil, fmt.Errorf("unexpected batched reply %v", v)
		}
		out[i] = make(reply, len(items))
		for j, x := range items {
			out[i][j] = fmt.Sprint(x)
		}
	}
	return out, nil
}
