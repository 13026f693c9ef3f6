package audit_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging/audit"
)

// BenchmarkBoltStoreAdd adds entries from 16 or 64 goroutines: each Add waits for its
// batch's commit, so the number of writers decides how many entries share one fsync.
func BenchmarkBoltStoreAdd(b *testing.B) {
	for _, writers := range []int{16, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			benchmarkBoltStoreAdd(b, writers)
		})
	}
}

func benchmarkBoltStoreAdd(b *testing.B, writers int) {
	store, err := audit.OpenBoltStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	var next atomic.Int64
	ctx := context.Background()
	start := time.Now()
	b.ResetTimer()
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				e := audit.Entry{EventID: fmt.Sprintf("event-%d", n), Type: events.PlanCreated, Version: 1, OccurredAt: start}
				if err := store.Add(ctx, fmt.Sprintf("plan-%d", n), e); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "adds/s")
}
