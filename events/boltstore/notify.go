package boltstore

import (
	"context"
	"sync"
)

// notifier wakes every waiter at once: waiters take the current channel, and a
// broadcast closes it and installs a fresh one. Taking the channel before looking at the
// data means a commit in between is never missed.
type notifier struct {
	mu sync.Mutex
	ch chan struct{}
}

func newNotifier() *notifier { return &notifier{ch: make(chan struct{})} }

// changed returns a channel closed by the next broadcast.
func (n *notifier) changed() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.ch
}

func (n *notifier) broadcast() {
	n.mu.Lock()
	defer n.mu.Unlock()
	close(n.ch)
	n.ch = make(chan struct{})
}

// LogChanged returns a channel closed by the next transaction that adds log entries
// (events.LogWatcher), so feed followers wait for commits instead of polling.
func (s *Store) LogChanged(context.Context) (<-chan struct{}, error) {
	return s.committed.changed(), nil
}
