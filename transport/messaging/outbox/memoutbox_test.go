package outbox_test

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/planstore/planstore/events"
)

// memOutbox is an in-memory outbox with the semantics of the real ones: entries in
// commit order per partition, each handed out once until a restart (Restart), acked
// entries never again.
type memOutbox struct {
	mu       sync.Mutex
	seq      int
	entries  []events.LogEntry
	skip     int // entries before this index are all handed out or acked
	acked    map[string]bool
	handed   map[string]bool
	appended chan struct{} // closed and replaced on every append
}

func newMemOutbox() *memOutbox {
	return &memOutbox{acked: map[string]bool{}, handed: map[string]bool{}, appended: make(chan struct{})}
}

func (o *memOutbox) Append(evs ...events.Envelope) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, e := range evs {
		o.seq++
		o.entries = append(o.entries, events.LogEntry{
			Partition: events.PartitionOf(e.AggregateID, events.DefaultPartitions),
			Position:  strconv.Itoa(o.seq),
			Event:     e,
		})
	}
	close(o.appended)
	o.appended = make(chan struct{})
}

func (o *memOutbox) ReadOutbox(ctx context.Context, _ string, max int, wait time.Duration) ([]events.LogEntry, error) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		o.mu.Lock()
		var out []events.LogEntry
		open := false // saw an entry still to hand out
		for i := o.skip; i < len(o.entries) && len(out) < max; i++ {
			e := o.entries[i]
			if !o.acked[e.Position] && !o.handed[e.Position] {
				o.handed[e.Position] = true
				out = append(out, e)
			} else if !open {
				o.skip = i + 1
			}
			open = open || len(out) > 0
		}
		appended := o.appended
		o.mu.Unlock()
		if len(out) > 0 {
			return out, nil
		}
		select {
		case <-appended:
		case <-timer.C:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (o *memOutbox) AckOutbox(_ context.Context, entries ...events.LogEntry) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, e := range entries {
		o.acked[e.Position] = true
	}
	return nil
}

// Restart forgets what was handed out, as a relay restart does.
func (o *memOutbox) Restart() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.handed = map[string]bool{}
	o.skip = 0
}

func (o *memOutbox) Unacked() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.entries) - len(o.acked)
}
