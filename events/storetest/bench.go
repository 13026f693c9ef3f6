package storetest

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
)

// BenchWriters is how many goroutines append at once in the benchmarks: the command
// API's concurrency under load.
const BenchWriters = 16

// BenchmarkCreate measures POSTs: each append creates a distinct plan (one ~1.3 KB
// event, its snapshot, eight new objectIds) from BenchWriters goroutines, and reports
// appends/s.
func BenchmarkCreate(b *testing.B, s Store) {
	var seq atomic.Int64
	runParallel(b, func(ctx context.Context) error {
		p := NewPlan(fmt.Sprintf("bench-create-%d", seq.Add(1)), 1)
		return s.Append(ctx, CreateCommit(p))
	})
}

// BenchmarkReplace measures PUTs that keep the plan's objectIds: each goroutine owns one
// plan and replaces it again and again, and the benchmark reports appends/s.
func BenchmarkReplace(b *testing.B, s Store) {
	var seq atomic.Int64
	runParallelSetup(b, func(ctx context.Context) (func(context.Context) error, error) {
		p := NewPlan(fmt.Sprintf("bench-replace-%d", seq.Add(1)), 0)
		if err := s.Append(ctx, CreateCommit(p)); err != nil {
			return nil, err
		}
		version := int64(1)
		return func(ctx context.Context) error {
			next := NewPlan(p.ID, int(version))
			err := s.Append(ctx, ReplaceCommit(p, next, version))
			p, version = next, version+1
			return err
		}, nil
	})
}

func runParallel(b *testing.B, op func(context.Context) error) {
	runParallelSetup(b, func(context.Context) (func(context.Context) error, error) { return op, nil })
}

// runParallelSetup runs BenchWriters goroutines, each preparing its operation once and
// then repeating it, and reports the achieved rate as appends/s.
func runParallelSetup(b *testing.B, setup func(context.Context) (func(context.Context) error, error)) {
	ctx := context.Background()
	b.SetParallelism((BenchWriters + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		op, err := setup(ctx)
		if err != nil {
			b.Errorf("setup: %v", err)
			return
		}
		for pb.Next() {
			if err := op(ctx); err != nil {
				b.Errorf("append: %v", err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}
