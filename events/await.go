package events

import (
	"context"
	"time"
)

// AwaitChange is how both stores' ReadOutbox sleep between looks at the outbox: it waits
// until changed is closed (a commit; true), the deadline passes (false), ctx ends
// (ctx.Err()) or stop is closed (closed, the store's own error).
func AwaitChange(ctx context.Context, deadline time.Time, changed, stop <-chan struct{}, closed error) (bool, error) {
	remaining := time.Until(deadline)
	if remaining <= 0 {
		return false, nil
	}
	timer := time.NewTimer(remaining)
	defer timer.Stop()
	select {
	case <-changed:
		return true, nil
	case <-timer.C:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	case <-stop:
		return false, closed
	}
}
