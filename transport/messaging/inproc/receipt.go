package inproc

import (
	"context"
	"slices"
	"sync"
)

// receipt records which consumers acknowledged one embedded message. It rides in the
// message context (GoChannel with PreserveContext hands each subscriber a copy of the
// message with the same context), because GoChannel itself cannot say who acknowledged.
// Every consumer is settled exactly once, by its ack or when the publish ends without
// it; settled tells the bus, which counts what each consumer has yet to take.
type receipt struct {
	mu      sync.Mutex
	pending map[string]bool
	settled func(consumer string)
}

type receiptKey struct{}

func newReceipt(consumers []string, settled func(consumer string)) *receipt {
	r := &receipt{pending: make(map[string]bool, len(consumers)), settled: settled}
	for _, c := range consumers {
		r.pending[c] = true
	}
	return r
}

func withReceipt(ctx context.Context, r *receipt) context.Context {
	return context.WithValue(ctx, receiptKey{}, r)
}

// receiptFrom returns the message's receipt; a nil receipt (a message published by
// something else than the embedded publisher) ignores acknowledgements.
func receiptFrom(ctx context.Context) *receipt {
	r, _ := ctx.Value(receiptKey{}).(*receipt)
	return r
}

func (r *receipt) ack(consumer string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	was := r.pending[consumer]
	delete(r.pending, consumer)
	r.mu.Unlock()
	if was {
		r.settled(consumer)
	}
}

// close ends the receipt when the publish returns and returns the consumers that did
// not acknowledge; a late acknowledgement no longer counts.
func (r *receipt) close() []string {
	r.mu.Lock()
	var missing []string
	for c := range r.pending {
		missing = append(missing, c)
	}
	clear(r.pending)
	r.mu.Unlock()
	slices.Sort(missing)
	for _, c := range missing {
		r.settled(c)
	}
	return missing
}
