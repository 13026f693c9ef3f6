package imports

import (
	"context"
	"sync"
	"time"
)

// retryPause is how long a chunk whose handler failed waits before it is handed out
// again, so a store that is briefly unavailable is not hammered.
const retryPause = time.Second

// MemoryQueue is the work queue of the embedded mode: a list in the process. It keeps
// nothing across a restart; the job store does (Store.Pending), and the process that
// owns both re-publishes the pending chunks when it starts (Resume).
type MemoryQueue struct {
	mu     sync.Mutex
	items  []ChunkRef
	signal chan struct{}
}

// NewMemoryQueue makes an empty queue.
func NewMemoryQueue() *MemoryQueue { return &MemoryQueue{signal: make(chan struct{}, 1)} }

// Publish adds a chunk; it never blocks on consumers.
func (q *MemoryQueue) Publish(_ context.Context, ref ChunkRef) error {
	q.mu.Lock()
	q.items = append(q.items, ref)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
	return nil
}

func (q *MemoryQueue) take() (ChunkRef, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return ChunkRef{}, false
	}
	ref := q.items[0]
	q.items = q.items[1:]
	if len(q.items) > 0 { // wake the next taker
		select {
		case q.signal <- struct{}{}:
		default:
		}
	}
	return ref, true
}

// Consume runs handle on up to prefetch chunks at once.
func (q *MemoryQueue) Consume(ctx context.Context, prefetch int, handle func(context.Context, ChunkRef) error) error {
	slots := make(chan struct{}, max(1, prefetch))
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		ref, ok := q.take()
		if !ok {
			select {
			case <-ctx.Done():
				return nil
			case <-q.signal:
				continue
			}
		}
		select {
		case <-ctx.Done():
			_ = q.Publish(context.Background(), ref)
			return nil
		case slots <- struct{}{}:
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			if err := handle(ctx, ref); err != nil && ctx.Err() == nil {
				time.AfterFunc(retryPause, func() { _ = q.Publish(context.Background(), ref) })
			}
		}()
	}
}

// Len is how many chunks wait.
func (q *MemoryQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Close does nothing: the queue is memory.
func (q *MemoryQueue) Close() error { return nil }
