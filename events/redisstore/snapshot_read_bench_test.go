package redisstore

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/planstore/planstore/events/storetest"
)

// BenchmarkLoad measures plan GETs' store read: 32 goroutines (planbench's read clients)
// loading 100 plans in turn, so reads meet in the snapshot read batches as they do
// under load.
func BenchmarkLoad(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprintf("bench-load-%d", i)
		if err := s.Append(ctx, storetest.CreateCommit(storetest.NewPlan(ids[i], i))); err != nil {
			b.Fatal(err)
		}
	}
	var seq atomic.Int64
	b.SetParallelism((32 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	measureServer(b, s, func() {
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				id := ids[seq.Add(1)%int64(len(ids))]
				if snap, err := s.Load(ctx, id); err != nil || snap.Version != 1 {
					b.Errorf("load %s: %v, %v", id, snap.Version, err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "loads/s")
	})
}
