package esengine_test

import (
	"runtime"
	"testing"
)

// BenchmarkLiveHeap reports the heap an index of benchPlans plans keeps live, per plan
// (docsPerPlan documents), once the garbage of indexing it is collected: the memory an
// embedded read model costs.
// liveHeapClient keeps the last measured engine alive to the end of the run.
var liveHeapClient any

func BenchmarkLiveHeap(b *testing.B) {
	var perPlan float64
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		client, index := newBenchClient(b)
		for from := 0; from < benchPlans; from += 500 {
			bulkInto(b, client, index, planBulk(from, from+500))
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		perPlan = float64(after.HeapAlloc-before.HeapAlloc) / benchPlans
		liveHeapClient = client // kept: a -memprofile taken after the run shows what it holds
	}
	b.ReportMetric(perPlan, "live-B/plan")
}
