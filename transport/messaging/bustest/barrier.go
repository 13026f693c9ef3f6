package bustest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
)

// Barrier holds the first n callers of wait until all n have arrived, then lets
// everyone through; proof that n handlers ran at the same time.
type Barrier struct {
	n       int
	arrived atomic.Int32
	all     chan struct{}
	once    sync.Once
}

// NewBarrier is a barrier for n callers.
func NewBarrier(n int) *Barrier { return &Barrier{n: n, all: make(chan struct{})} }

// Wait returns an error if the others do not arrive within the hang guard.
func (b *Barrier) Wait() error {
	if int(b.arrived.Add(1)) >= b.n {
		b.once.Do(func() { close(b.all) })
	}
	select {
	case <-b.all:
		return nil
	case <-time.After(30 * time.Second):
		return errors.New("hang guard: the other handlers never arrived")
	}
}

// Reached reports whether all n arrived.
func (b *Barrier) Reached() bool {
	select {
	case <-b.all:
		return true
	default:
		return false
	}
}

// Handle puts next behind the barrier: a consumer's handler that passes its event on
// only once n handlers hold one; one that waits in vain fails for good.
func (b *Barrier) Handle(next func(context.Context, events.Envelope) error) func(context.Context, events.Envelope) error {
	return func(ctx context.Context, e events.Envelope) error {
		if err := b.Wait(); err != nil {
			return messaging.Permanent(err)
		}
		return next(ctx, e)
	}
}
