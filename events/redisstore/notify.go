package redisstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"
)

// notifier turns the append script's PUBLISH into a local broadcast that wakes blocked
// outbox readers. A blocking XREADGROUP over all partitions would be simpler, but one
// command over many streams is cross-slot on a cluster; one subscription works on both.
// A message lost while the subscription reconnects only delays a reader to the end of
// its wait.
type notifier struct {
	sub  *redis.PubSub
	done chan struct{}

	mu sync.Mutex
	ch chan struct{}
}

func subscribe(ctx context.Context, rdb redis.UniversalClient, channel string) (*notifier, error) {
	sub := rdb.Subscribe(ctx, channel)
	// Wait for the subscription to be confirmed: a commit after this returns is seen.
	if _, err := sub.Receive(ctx); err != nil {
		return nil, fmt.Errorf("subscribe %s: %w", channel, err)
	}
	n := &notifier{sub: sub, done: make(chan struct{}), ch: make(chan struct{})}
	go n.forward(sub.Channel())
	return n, nil
}

func (n *notifier) forward(msgs <-chan *redis.Message) {
	defer close(n.done)
	for range msgs {
		n.mu.Lock()
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
