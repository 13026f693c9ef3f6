// Package periodic runs a step on a ticker until its context ends: the loop every
// renewal, poll and refresh of planstore's would otherwise spell out with its own
// ticker, select and Stop.
package periodic

import (
	"context"
	"time"
)

// Every calls step once per interval, the first time one interval from now, until ctx
// ends; it returns then, and never steps again once ctx has ended. A step that overruns
// the interval delays the next one: ticks are dropped, never queued.
func Every(ctx context.Context, interval time.Duration, step func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			// A tick and the end can be ready together, and select picks either.
			if ctx.Err() != nil {
				return
			}
			step()
		}
	}
}
