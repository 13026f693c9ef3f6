package redisstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/redis/go-redis/v9"
)

// notifier turns the append script's PUBLISH into a local broadcast that wakes blocked
// outbox readers. A blocking XREADGROUP over all partitions would be simpler, but one
// command over many streams is cross-slot on a cluster; one subscription works on both.
// A message lost while the subscription reconnects only delays a reader until its next
// full scan (outbox_partitions.go).
//
// The message is the partition the commit wrote to; the notifier counts them per
// partition, so a reader can look only at the partitions that changed since its last
// pass instead of all of them (one XREADGROUP each) on every wake-up.
type notifier struct {
	sub  *redis.PubSub
	done chan struct{}

	mu  sync.Mutex
	ch  chan struct{}
	seq []uint64 // notifications per partition
}

func subscribe(ctx context.Context, rdb redis.UniversalClient, channel string, partitions int) (*notifier, error) {
	sub := rdb.Subscribe(ctx, channel)
	// Wait for the subscription to be confirmed: a commit after this returns is seen.
	if _, err := sub.Receive(ctx); err != nil {
		return nil, fmt.Errorf("subscribe %s: %w", channel, err)
	}
	n := &notifier{sub: sub, done: make(chan struct{}), ch: make(chan struct{}), seq: make([]uint64, partitions)}
	go n.forward(sub.Channel())
	return n, nil
}

func (n *notifier) forward(msgs <-chan *redis.Message) {
	defer close(n.done)
	for m := range msgs {
		n.mu.Lock()
		// Count before waking readers, so a woken reader sees the change.
		if p, err := strconv.Atoi(m.Payload); err == nil && p >= 0 && p < len(n.seq) {
			n.seq[p]++
		} else {
			for p := range n.seq { // not ours to parse: every partition may have changed
				n.seq[p]++
			}
		}
		close(n.ch)
		n.ch = make(chan struct{})
		n.mu.Unlock()
	}
}

// changed returns a channel closed by the next commit; take it before looking at the
// streams, so a commit in between is not missed.
func (n *notifier) changed() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.ch
}

// counts returns a copy of the notifications per partition so far.
func (n *notifier) counts() []uint64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.seq)
}

func (n *notifier) close() error {
	err := n.sub.Close()
	<-n.done
	return err
}

// LogChanged returns a channel closed by the next append on any partition
// (events.LogWatcher), from the same subscription that wakes outbox readers.
func (s *Store) LogChanged(ctx context.Context) (<-chan struct{}, error) {
	n, err := s.notifier(ctx)
	if err != nil {
		return nil, fmt.Errorf("redisstore: watch the log: %w", err)
	}
	return n.changed(), nil
}
