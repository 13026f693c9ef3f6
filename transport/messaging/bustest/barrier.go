package bustest

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
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
