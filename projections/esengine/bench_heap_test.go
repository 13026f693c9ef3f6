package esengine_test

import (
	"os"
	"runtime"
	"strconv"
	"testing"
)

// liveHeapClient keeps the last measured engine alive to the end of the run, so a
// -memprofile taken after it shows what the engine holds.
var liveHeapClient any

// liveHeapPerPlan indexes plans plans (benchplans.DocsPerPlan documents each, 500 plans a bulk)
// into a fresh engine and returns the heap the engine keeps live per plan once the
// garbage of indexing is collected: the memory an embedded read model costs.
func liveHeapPerPlan(tb testing.TB, plans int) float64 {
	collect()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	client, index := newBenchClient(tb)
	for from := 0; from < plans; from += 500 {
		bulkInto(tb, client, index, planBulk(from, min(from+500, plans)))
	}
	collect()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	liveHeapClient = client
	return (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(plans)
}

// collect leaves only live memory on the heap: two collections, because the first only
// moves pooled objects (parsers, buffers) to the pools' victim caches.
func collect() {
	runtime.GC()
	runtime.GC()
}

// BenchmarkLiveHeap reports the live heap per plan of an index of benchPlans plans
// (ESENGINE_BENCH_PLANS), or of ESENGINE_HEAP_PLANS plans when set.
func BenchmarkLiveHeap(b *testing.B) {
	plans := benchPlans
	if s := os.Getenv("ESENGINE_HEAP_PLANS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("ESENGINE_HEAP_PLANS=%q: want a positive number", s)
		}
		plans = n
	}
	var perPlan float64
	for i := 0; i < b.N; i++ {
		perPlan = liveHeapPerPlan(b, plans)
	}
	b.ReportMetric(perPlan, "live-B/plan")
}

// liveHeapBudget is the most live heap a plan (8 documents) may cost at
// liveHeapBudgetPlans plans: what the engine reached (2,821 B/plan with tables of
// numbers and hashes for ids and the keyword values documents hold as their own id,
// and join keys found through their documents, issue 17; it was 8,300, then 3,570,
// then 3,276), plus 7 % for the runtime's variation. Issue 17
// asks for <= 4 KB of RSS per plan and RSS runs at about twice the live heap, so lower
// it as the engine shrinks; raise it only with a reason written next to it.
const (
	liveHeapBudget      = 3020
	liveHeapBudgetPlans = 5000
)

// TestLiveHeapBudget fails when the engine's memory per plan regresses: a size, not a
// time, so a loaded machine cannot make it flaky.
func TestLiveHeapBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 40,000 documents")
	}
	perPlan := liveHeapPerPlan(t, liveHeapBudgetPlans)
	t.Logf("live heap: %.0f B/plan at %d plans (budget %d)", perPlan, liveHeapBudgetPlans, liveHeapBudget)
	if perPlan > liveHeapBudget {
		t.Fatalf("MEMORY REGRESSION: the engine keeps %.0f bytes of live heap per plan at %d plans, over the budget of %d (issue 17; see docs/performance.md)",
			perPlan, liveHeapBudgetPlans, liveHeapBudget)
	}
}
