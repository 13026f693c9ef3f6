// Package replay rebuilds the search read model from the event log (docs/contract.md 6).
//
// A replay builds a brand-new index next to the live one and only then moves the alias
// `plans`, so searches answer from the complete old index until the instant the alias
// moves to the complete new one:
//
//  1. take the replay lock (lock.go): one replay at a time per process and per cluster;
//  2. delete orphan indices left by an interrupted replay (orphans.go);
//  3. create the new index with refresh disabled (refresh_interval -1);
//  4. read every partition of the log, several at once, in commit order within each,
//     run the events through projections.Actions (the live projector's code) and write
//     the actions with large _bulk requests (copy.go); within one page of the log each
//     plan's events are first folded into one, which leaves the index exactly as
//     applying them one by one would, at a fraction of the cost (merge.go);
//  5. restore the refresh interval, refresh, and swap the alias in one _aliases call;
//  6. catch up: read the log again from where step 4 stopped and apply what was
//     committed meanwhile to the new index (the live projector wrote those events to
//     the old index, which the alias no longer points to);
//  7. delete the old index and release the lock.
//
// # Restarting after an interruption
//
// A replay does not resume half-built indices: an interrupted replay (cancelled
// context, killed process) leaves an orphan index that the next replay deletes before
// it starts over from the beginning of the log. Starting over is always correct, costs
// one full replay, and needs no checkpoint that could disagree with the index. A
// cancelled replay deletes its own index on the way out; only a killed one leaves an
// orphan (and a lock that expires, see lock.go).
//
// # Order
//
// Per plan, events are applied in log order: a partition is read and written by one
// goroutine that waits for each bulk write before the next. Partitions run
// concurrently; every document write carries the plan's version with external
// versioning, so how partitions interleave does not change the result.
package replay
