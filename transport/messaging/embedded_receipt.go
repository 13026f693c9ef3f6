package messaging

import (
	"context"
	"sync"
)

// receipt records which consumers acknowledged one embedded message. It rides in the
// message context (GoChannel with PreserveContext hands each subscriber a copy of the
// message with the same context), because GoChannel itself cannot say who acknowledged.
type receipt struct {
	mu      sync.Mutex
	pending map[string]bool
}

type receiptKey struct{}

func newReceipt(consumers []string) *receipt {
	r := &receipt{pending: make(map[string]bool, len(consumers))}
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
	defer r.mu.Unlock()
	delete(r.pending, consumer)
}

func (r *receipt) missing() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for c := range r.pending {
		out = append(out, c)
	}
	return out
}
