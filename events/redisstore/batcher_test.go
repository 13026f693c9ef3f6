package redisstore

import (
	"sync"
	"sync/atomic"
	"testing"
)

// Every request runs exactly once, in some batch, before its caller returns; batches
// respect the limit.
func TestBatcherRunsEachRequestOnceBeforeReturning(t *testing.T) {
	b := batcher[*int]{limit: 4}
	const callers = 200
	var ran [callers]atomic.Int32
	var mu sync.Mutex
	biggest := 0
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			req := new(int)
			*req = i
			b.do(req, func(batch []*int) {
				mu.Lock()
				biggest = max(biggest, len(batch))
				mu.Unlock()
				for _, r := range batch {
					ran[*r].Add(1)
				}
			})
			if n := ran[i].Load(); n != 1 {
				t.Errorf("request %d ran %d times when its caller returned", i, n)
			}
		})
	}
	wg.Wait()
	if biggest > 4 {
		t.Errorf("a batch held %d requests, limit 4", biggest)
	}
	if b.leading || len(b.queue) != 0 {
		t.Errorf("batcher not idle after all callers returned: leading %v, %d queued", b.leading, len(b.queue))
	}
}
