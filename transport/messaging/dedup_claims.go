package messaging

import (
	"context"
	"sync"
)

// claims lets one copy of an event at a time through a consumer's deduplication and
// handler. With several subscriptions (Consumer.Concurrency), two copies of one event (a
// relay restart published it twice) can be handled at the same moment, and both would
// find it unmarked; with a claim the second waits for the first, then finds it marked
// and is skipped as a duplicate. After a failed first copy the second simply runs.
type claims struct {
	mu   sync.Mutex
	held map[string]chan struct{} // key -> closed when released
}

func newClaims() *claims { return &claims{held: map[string]chan struct{}{}} }

// acquire waits until key is free and takes it; call release when done. It gives up
// when ctx ends (the attempt timeout), which fails the attempt and retries it.
func (c *claims) acquire(ctx context.Context, key string) (release func(), err error) {
	for {
		c.mu.Lock()
		busy, taken := c.held[key]
		if !taken {
			free := make(chan struct{})
			c.held[key] = free
			c.mu.Unlock()
			return func() {
				c.mu.Lock()
				delete(c.held, key)
				c.mu.Unlock()
				close(free)
			}, nil
		}
		c.mu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
