package feed

import (
	"context"
	"fmt"
	"time"

	"github.com/planstore/planstore/events"
)

// Follower reads the feed as it grows: the live stream behind Server-Sent Events,
// webhook delivery and replication.
type Follower struct {
	Reader *Reader
	// Watch wakes the follower on a commit; nil means polling every Poll.
	Watch events.LogWatcher
	// Poll is how often the log is read again without a notification (a notification
	// can be lost while a Redis subscription reconnects). Default 2s.
	Poll time.Duration
	// Batch is how many events one read asks for. Default 256.
	Batch int
}

// Follow calls each with every event after cursor that keep keeps, in feed order, until
// ctx ends or each fails; each gets the cursor that resumes after its event. Events
// filtered out still move the cursor given to idle, called after every read that
// caught up (nil: not called), so a follower that stores its place can skip them.
func (f *Follower) Follow(ctx context.Context, after Cursor, keep Filter, each func(Item) error, idle func(Cursor) error) error {
	poll, batch := f.Poll, f.Batch
	if poll <= 0 {
		poll = 2 * time.Second
	}
	if batch <= 0 {
		batch = 256
	}
	cursor := after
	for {
		var changed <-chan struct{}
		if f.Watch != nil {
			ch, err := f.Watch.LogChanged(ctx)
			if err != nil {
				return fmt.Errorf("feed: follow: %w", err)
			}
			changed = ch
		}
		page, err := f.Reader.Read(ctx, cursor, batch, batch*4, keep)
		if err != nil {
			return err
		}
		for _, it := range page.Items {
			if err := each(it); err != nil {
				return err
			}
		}
		cursor = page.Next
		if page.More {
			continue
		}
		if idle != nil {
			if err := idle(cursor); err != nil {
				return err
			}
		}
		timer := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-changed:
			timer.Stop()
		case <-timer.C:
		}
	}
}
