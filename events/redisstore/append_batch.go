package redisstore

import (
	"context"
	"time"
)

// appendRequest is one caller's append script in a batch, and the caller's deadline.
type appendRequest struct {
	call     *scriptCall
	deadline time.Time // zero if the caller has none (context.Context.Deadline)
}

// runAppends sends a batch of append scripts in one round trip per node. It runs on
// behalf of callers whose contexts may differ, so a leader that gives up must not fail
// the others: it takes the leader's values but not its cancellation. It keeps a deadline,
// the latest of the callers' (each is its Append's retry window), so that a batch stuck
// on a dead master still ends and every caller answers within about its window
// (redisconn: the client applies context deadlines to its socket reads and writes).
func (s *Store) runAppends(ctx context.Context, batch []*appendRequest) {
	ctx = context.WithoutCancel(ctx)
	if deadline, ok := batchDeadline(batch); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	calls := make([]*scriptCall, len(batch))
	for i, r := range batch {
		calls[i] = r.call
	}
	s.runDurably(ctx, calls)
}

// batchDeadline is the latest of the callers' deadlines; none if a caller has none.
func batchDeadline(batch []*appendRequest) (time.Time, bool) {
	var latest time.Time
	for _, r := range batch {
		if r.deadline.IsZero() {
			return time.Time{}, false
		}
		if r.deadline.After(latest) {
			latest = r.deadline
		}
	}
	return latest, true
}
