package search

import (
	"context"
	"errors"
	"sync/atomic"
)

// ErrBusy is a search refused because every search slot is taken and the queue of
// searches waiting for one is full. The HTTP layer answers 503 with Retry-After.
var ErrBusy = errors.New("search: too many searches running; retry shortly")

// slots bounds how many searches run at once. A search holds a slot while the engine
// works on it, so however heavy the searches, at most len(free) cores run them and the
// rest stay for writes to the read model; searches past the queue limit are refused at
// once instead of piling up behind the slow ones.
type slots struct {
	free     chan struct{}
	waiting  atomic.Int64
	maxQueue int64
}

func newSlots(n, queue int) *slots {
	s := &slots{free: make(chan struct{}, max(n, 1)), maxQueue: int64(max(queue, 0))}
	for range cap(s.free) {
		s.free <- struct{}{}
	}
	return s
}

// acquire takes a slot, waiting in the queue while there is room in it; it gives up
// when ctx is done.
func (s *slots) acquire(ctx context.Context) error {
	select {
	case <-s.free:
		return nil
	default:
	}
	if s.waiting.Add(1) > s.maxQueue {
		s.waiting.Add(-1)
		return ErrBusy
	}
	defer s.waiting.Add(-1)
	select {
	case <-s.free:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *slots) release() { s.free <- struct{}{} }
