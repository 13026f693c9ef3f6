package redisstore

import "github.com/redis/go-redis/v9"

// slotCalls gathers the requests of a batched step into one call of a script per slot
// (per partition), in the order the slots were first met. Each request adds a group to
// a slot's call: its keys and arguments after the call's first argument, the number of
// groups (the layout lua/claim.lua and lua/finalize.lua read). A call keeps the owner
// of each group, in group order, to hand its part of the reply back.
type slotCalls[R any] struct {
	script *redis.Script
	slots  []*slotCall[R]
	at     map[int]int // partition → index in slots
}

// slotCall is one batched script call and the owners of its groups, in group order.
type slotCall[R any] struct {
	partition int
	call      *scriptCall
	owners    []R
}

func newSlotCalls[R any](script *redis.Script) *slotCalls[R] {
	return &slotCalls[R]{script: script, at: map[int]int{}}
}

// add appends a group of owner's keys and args to the call of partition.
func (b *slotCalls[R]) add(partition int, owner R, keys []string, args ...any) {
	i, ok := b.at[partition]
	if !ok {
		i = len(b.slots)
		b.at[partition] = i
		b.slots = append(b.slots, &slotCall[R]{partition: partition, call: &scriptCall{script: b.script, args: []any{0}}})
	}
	sc := b.slots[i]
	sc.call.keys = append(sc.call.keys, keys...)
	sc.call.args = append(sc.call.args, args...)
	sc.owners = append(sc.owners, owner)
}

// calls returns the script calls to run, each with its number of groups filled in.
func (b *slotCalls[R]) calls() []*scriptCall {
	calls := make([]*scriptCall, len(b.slots))
	for i, sc := range b.slots {
		sc.call.args[0] = len(sc.owners)
		calls[i] = sc.call
	}
	return calls
}
