package messaging

import (
	"container/list"
	"context"
	"strconv"
	"sync"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/internal/defaults"
)

// Deduplicator remembers which events a consumer has handled, so a redelivery (the
// relay restarted before marking an event relayed, the broker redelivered after a lost
// ack) is acknowledged without running the handler again.
//
// It is a first line of defence only: an in-memory Deduplicator forgets on restart and
// is per process, so handlers must stay idempotent on their own (projections write with
// the aggregate version as an external version).
type Deduplicator interface {
	// Seen reports whether key was marked before.
	Seen(ctx context.Context, key string) (bool, error)
	// Mark records key as handled; called only after the handler succeeded.
	Mark(ctx context.Context, key string) error
}

// DedupKey identifies one event for deduplication: its id and the aggregate version it
// produced. The version makes a (wrongly) reused id still count as a different event.
func DedupKey(e events.Envelope) string {
	return e.ID + "@" + strconv.FormatInt(e.Version, 10)
}

// DefaultDedupSize is how many recent events a consumer remembers by default (about
// 3 MB). Duplicates come in bursts right after the original: a restarted relay
// republishes what it held unacknowledged (at most its MaxBuffered, 4,096 by default),
// the broker redelivers what a consumer had prefetched (64).
const DefaultDedupSize = 20_000

// MemoryDedup is a bounded least-recently-marked set; safe for concurrent use.
type MemoryDedup struct {
	mu    sync.Mutex
	size  int
	order *list.List               // front = most recently marked
	keys  map[string]*list.Element // key -> element in order
}

// NewMemoryDedup remembers the last size keys (DefaultDedupSize when size <= 0).
func NewMemoryDedup(size int) *MemoryDedup {
	size = defaults.Positive(size, DefaultDedupSize)
	return &MemoryDedup{size: size, order: list.New(), keys: make(map[string]*list.Element, size)}
}

// Seen implements Deduplicator.
func (d *MemoryDedup) Seen(_ context.Context, key string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.keys[key]
	return ok, nil
}

// Mark implements Deduplicator.
func (d *MemoryDedup) Mark(_ context.Context, key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if el, ok := d.keys[key]; ok {
		d.order.MoveToFront(el)
		return nil
	}
	d.keys[key] = d.order.PushFront(key)
	if d.order.Len() > d.size {
		oldest := d.order.Back()
		d.order.Remove(oldest)
		delete(d.keys, oldest.Value.(string))
	}
	return nil
}
