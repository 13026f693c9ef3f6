package replay_test

import (
	"context"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/projections/esengine"
	"github.com/planstore/planstore/projections/replay"
)

// benchPlans plans through the workload give about 20,000 events.
const benchPlans = 7000

var bench struct {
	once   sync.Once
	dir    string
	events int
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// benchStore is the benchmark's event store, written once per test binary.
func benchStore(b *testing.B) *boltstore.Store {
	b.Helper()
	codec, err := events.NewPlanCodec()
	if err != nil {
		b.Fatal(err)
	}
	bench.once.Do(func() {
		if bench.dir, bench.err = os.MkdirTemp("", "replay-bench-"); bench.err != nil {
			return
		}
		store, err := boltstore.Open(bench.dir, codec)
		if err != nil {
			bench.err = err
			return
		}
		defer store.Close()
		bench.events = newWorkload(b, store).run(b, "plan", benchPlans, 10).events
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	store, err := boltstore.Open(bench.dir, codec)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	return store
}

// BenchmarkReplay replays about 20,000 events (creates, patches, replaces, deletes)
// from the embedded store into a fresh embedded engine, through _bulk requests as to
// any cluster and, as serve does, handing the actions to the engine directly.
func BenchmarkReplay(b *testing.B) {
	b.Run("bulk", func(b *testing.B) { benchmarkReplay(b, false) })
	b.Run("direct", func(b *testing.B) { benchmarkReplay(b, true) })
}

func benchmarkReplay(b *testing.B, direct bool) {
	store := benchStore(b)
	b.ReportAllocs()
	var read int64
	var cpu time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		engine := esengine.New()
		client, err := esengine.NewClient(engine)
		if err != nil {
			b.Fatal(err)
		}
		cfg := replay.Config{Client: client, Log: store}
		if direct {
			cfg.Direct = engine
		}
		r, err := replay.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		cpuBefore := processCPU(b)
		b.StartTimer()
		status, err := r.Run(context.Background(), nil)
		if err != nil {
			b.Fatal(err)
		}
		read += status.EventsRead
		cpu += processCPU(b) - cpuBefore
		b.StopTimer()
		r.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(read)/b.Elapsed().Seconds(), "events/s")
	// On a shared machine wall time says more about the neighbours than about the
	// replay; CPU time per event does not.
	b.ReportMetric(float64(cpu.Microseconds())/float64(read), "cpu-µs/event")
	b.ReportMetric(float64(bench.events), "events/op")
}

// processCPU is the CPU time (user and system) this process has used.
func processCPU(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
