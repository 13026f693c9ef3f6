package redisstore

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/planstore/planstore/events/storetest"
	"github.com/planstore/planstore/transport/testenv"
)

// benchStore opens a store on a redis-server of the benchmark's own, so other users of
// the shared Redis neither disturb the numbers nor see the data.
func benchStore(b *testing.B, opts ...Option) *Store {
	s := opener{url: testenv.StartRedisServer(b), opts: opts}.open(b)
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// BenchmarkAppend measures POSTs: 16 goroutines each creating distinct plans, a ~1.3 KB
// event and snapshot and eight new objectIds each; on a single server that is one script.
func BenchmarkAppend(b *testing.B) {
	s := benchStore(b)
	measureServer(b, s, func() { storetest.BenchmarkCreate(b, s) })
}

// BenchmarkAppendReservation is BenchmarkAppend through the reservation protocol a
// cluster needs, for comparison.
func BenchmarkAppendReservation(b *testing.B) {
	s := benchStore(b, WithReservationProtocol())
	measureServer(b, s, func() { storetest.BenchmarkCreate(b, s) })
}

// BenchmarkReplace measures PUTs keeping their objectIds (one script per append).
func BenchmarkReplace(b *testing.B) {
	s := benchStore(b)
	measureServer(b, s, func() { storetest.BenchmarkReplace(b, s) })
}

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

// measureServer runs bench and reports what it cost the server per append: script
// calls (the load test's INFO commandstats metric), the time spent running scripts, and
// the server's CPU time (scripts plus network and parsing), which is what bounds
// throughput once the server's one thread is busy.
func measureServer(b *testing.B, s *Store, bench func()) {
	before := serverStats(b, s)
	bench()
	after := serverStats(b, s)
	n := float64(b.N)
	b.ReportMetric((after.evalsha-before.evalsha)/n, "evalsha/op")
	b.ReportMetric((after.scriptUsec-before.scriptUsec)/n, "script-µs/op")
	b.ReportMetric((after.cpu-before.cpu)*1e6/n, "redis-µs/op")
}

type stats struct{ evalsha, scriptUsec, cpu float64 }

func serverStats(b *testing.B, s *Store) stats {
	ctx := context.Background()
	info, err := s.rdb.Info(ctx, "commandstats", "cpu").Result()
	if err != nil {
		b.Fatalf("INFO: %v", err)
	}
	var st stats
	for line := range strings.SplitSeq(info, "\r\n") {
		name, value, _ := strings.Cut(line, ":")
		switch name {
		case "cmdstat_evalsha", "cmdstat_eval":
			// calls=12,usec=345,usec_per_call=...
			for field := range strings.SplitSeq(value, ",") {
				k, v, _ := strings.Cut(field, "=")
				f, _ := strconv.ParseFloat(v, 64)
				switch k {
				case "calls":
					st.evalsha += f
				case "usec":
					st.scriptUsec += f
				}
			}
		case "used_cpu_user", "used_cpu_sys":
			c, _ := strconv.ParseFloat(value, 64)
			st.cpu += c
		}
	}
	return st
}

// clusterBenchStore opens a store on cluster that waits for minReplicas replicas on
// every commit, under a prefix of its own (the benchmark function runs more than once).
func clusterBenchStore(b *testing.B, cluster *testenv.RedisCluster, minReplicas int) *Store {
	prefix := WithPrefix("bench" + strconv.FormatInt(benchRuns.Add(1), 10) + ":")
	s := opener{url: cluster.URL(), opts: []Option{prefix, WithMinReplicas(minReplicas)}}.open(b)
	b.Cleanup(func() { _ = s.Close() })
	return s
}

var benchRuns atomic.Int64

// BenchmarkClusterCreate measures POSTs on a cluster (the reservation protocol), with
// and without waiting for a replica: the cost of WAIT (replicas.go).
func BenchmarkClusterCreate(b *testing.B) { benchmarkOnCluster(b, storetest.BenchmarkCreate) }

// BenchmarkClusterReplace measures PUTs on a cluster (one script each), with and
// without waiting for a replica.
func BenchmarkClusterReplace(b *testing.B) { benchmarkOnCluster(b, storetest.BenchmarkReplace) }

// benchmarkOnCluster runs bench on a store on a cluster, once without waiting for a
// replica and once waiting for one.
func benchmarkOnCluster(b *testing.B, bench func(*testing.B, storetest.Store)) {
	cluster := testenv.StartRedisCluster(b, 3, 1)
	for _, replicas := range []int{0, 1} {
		b.Run("wait="+strconv.Itoa(replicas), func(b *testing.B) {
			bench(b, clusterBenchStore(b, cluster, replicas))
		})
	}
}
