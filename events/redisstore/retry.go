package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/redisconn"
)

// Retry pauses grow from firstRetryPause to maxRetryPause: short enough to notice a
// promoted master soon, long enough not to hammer a cluster that is electing one.
const (
	firstRetryPause = 20 * time.Millisecond
	maxRetryPause   = 500 * time.Millisecond
)

// retrying runs op until it succeeds, fails for good, or has failed transiently for the
// retry window (a failover, a slot on the move, a replica slow to confirm); it then
// returns op's last error wrapped in events.ErrUnavailable, which the HTTP API answers
// with 503 and Retry-After. op must be safe to run again after a transient failure,
// even one whose command may have run (reads; Append, see replicas.go).
//
// op gets a context that ends with the window (plus one replica timeout, for the WAIT of
// an attempt begun at its very end): an attempt stuck on a dead master's connection is
// cut there, so the caller hears 503 within the window, not after the client's dial and
// read timeouts on top of it.
func (s *Store) retrying(ctx context.Context, op func(ctx context.Context) error) error {
	deadline := time.Now().Add(s.opts.retryWindow)
	wctx, cancel := context.WithDeadline(ctx, deadline.Add(s.opts.replicaTimeout))
	defer cancel()
	pause := firstRetryPause
	for {
		err := op(wctx)
		if redis.HasErrorPrefix(err, "OOM") {
			// maxmemory reached (and, as it must be for an event store, noeviction):
			// Redis refused the command before running it, so nothing was stored.
			return fmt.Errorf("%w: %w", events.ErrStorageFull, err)
		}
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return err // the caller gave up: not the store's unavailability
		}
		if wctx.Err() != nil {
			return fmt.Errorf("%w: no answer within the retry window: %w", events.ErrUnavailable, err)
		}
		if !redisconn.Transient(err) {
			return err
		}
		if time.Now().Add(pause).After(deadline) {
			return fmt.Errorf("%w: %w", events.ErrUnavailable, err)
		}
		// After a failover the client's slot map still names the dead master.
		redisconn.Reload(ctx, s.rdb)
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		}
		pause = min(2*pause, maxRetryPause)
	}
}

// reloadOn refreshes a cluster client's slot map after a transient failure of a call
// its caller retries itself (the relay's outbox reads and acks): go-redis on its own
// notices a failover only when another node answers MOVED, or every 10 seconds.
func (s *Store) reloadOn(ctx context.Context, err error) {
	if redisconn.Transient(err) {
		redisconn.Reload(ctx, s.rdb)
	}
}
