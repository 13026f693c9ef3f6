package redisstore

import "sync"

// batcher joins one step of concurrent appends (group commit, as boltstore does for its
// fsync): one of the waiting callers, the leader, runs all queued requests at once; the
// others wait for it, and the next leader takes whatever queued up meanwhile. Each
// caller still returns only after its own request ran, so nothing changes for it but
// that several appends share a round trip and one script call per slot.
type batcher[R any] struct {
	limit int // requests per batch, so one script call stays short

	mu      sync.Mutex
	queue   []*batchItem[R]
	leading bool // a caller is running a batch, or was handed the next one
}

type batchItem[R any] struct {
	req      R
	wake     chan struct{} // finished, or this caller leads the next batch
	finished bool
}

// do runs req in a batch with run, and returns once it ran.
func (b *batcher[R]) do(req R, run func([]R)) {
	me := &batchItem[R]{req: req, wake: make(chan struct{}, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, me)
	if b.leading {
		b.mu.Unlock()
		<-me.wake
		if me.finished {
			return
		}
		b.mu.Lock() // handed the lead: me is first in the queue
	} else {
		b.leading = true
	}
	n := min(len(b.queue), max(b.limit, 1))
	batch := b.queue[:n:n]
	b.queue = b.queue[n:]
	b.mu.Unlock()

	reqs := make([]R, len(batch))
	for i, it := range batch {
		reqs[i] = it.req
	}
	run(reqs)
	for _, it := range batch {
		if it != me {
			it.finished = true
			it.wake <- struct{}{}
		}
	}

	b.mu.Lock()
	if len(b.queue) == 0 {
		b.leading = false
		b.mu.Unlock()
		return
	}
	next := b.queue[0]
	b.mu.Unlock()
	next.wake <- struct{}{}
}
