package elastic

import (
	"errors"
	"sync"
)

// request is one Write call: its encoded actions and the caller waiting for them. A large
// request may be split over several bulk requests; it completes when all have answered.
type request struct {
	lines [][]byte
	next  int // first action not yet placed in a batch; owned by the writer's loop

	mu      sync.Mutex
	waiting int
	errs    []error
	done    chan error // buffered: the last settle never blocks
}

func newRequest(lines [][]byte) *request {
	return &request{lines: lines, waiting: len(lines), done: make(chan error, 1)}
}

// settle records the outcome of n of the request's actions.
func (r *request) settle(n int, errs []error) {
	r.mu.Lock()
	r.waiting -= n
	r.errs = append(r.errs, errs...)
	finished := r.waiting == 0
	err := errors.Join(r.errs...)
	r.mu.Unlock()
	if finished {
		r.done <- err
	}
}

// batch is the body of one _bulk request and which request each of its actions came
// from, in order.
type batch struct {
	body  []byte
	parts []part
	count int
}

// part is a run of consecutive actions of one request inside a batch.
type part struct {
	req *request
	n   int
}

// take moves as many of r's pending actions into the batch as the limits allow. An
// empty batch always takes one action, so an action larger than maxBytes still goes out
// (alone) instead of blocking forever.
func (b *batch) take(r *request, maxActions, maxBytes int) {
	for r.next < len(r.lines) {
		line := r.lines[r.next]
		if b.count > 0 && (b.count >= maxActions || len(b.body)+len(line) > maxBytes) {
			return
		}
		b.body = append(b.body, line...)
		b.count++
		r.next++
		if n := len(b.parts); n > 0 && b.parts[n-1].req == r {
			b.parts[n-1].n++
		} else {
			b.parts = append(b.parts, part{req: r, n: 1})
		}
	}
}

// settle hands every request in the batch the outcomes of its actions: per item, or
// the same error for all when the bulk request as a whole failed.
func (b *batch) settle(results []error, failed error) {
	i := 0
	for _, p := range b.parts {
		var errs []error
		if failed != nil {
			errs = []error{failed}
		} else {
			for _, err := range results[i : i+p.n] {
				if err != nil {
					errs = append(errs, err)
				}
			}
		}
		i += p.n
		p.req.settle(p.n, errs)
	}
}
