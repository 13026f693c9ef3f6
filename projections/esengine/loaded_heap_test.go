package esengine_test

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/planstore/planstore/projections/esengine"
)

// loadedHeapBudget is the most live heap a plan may cost in an engine loaded from its
// saved state, at liveHeapBudgetPlans plans: what a restart keeps (2,707 B/plan when
// this test was written; 3,187 while documents shared the file's bytes, which kept
// the whole file alive), plus 7 % for the runtime's variation. A load is how a
// million-plan server starts, so this is the figure issue 17's RSS per plan follows.
const loadedHeapBudget = 2900

// TestLoadedHeapBudget fails when an engine loaded from a state file keeps more than
// it should: the file itself, say, through a document or a string that shares its
// bytes. A size, not a time.
func TestLoadedHeapBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 40,000 documents")
	}
	path := savedBenchState(t, liveHeapBudgetPlans)
	collect()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	loaded, _, err := esengine.LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	collect()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(loaded)
	perPlan := (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / liveHeapBudgetPlans
	t.Logf("loaded heap: %.0f B/plan at %d plans (budget %d)", perPlan, liveHeapBudgetPlans, loadedHeapBudget)
	if perPlan > loadedHeapBudget {
		t.Fatalf("MEMORY REGRESSION: an engine loaded from its state keeps %.0f bytes of live heap per plan at %d plans, over the budget of %d (issue 17; see docs/performance.md)",
			perPlan, liveHeapBudgetPlans, loadedHeapBudget)
	}
}

// savedBenchState indexes plans plans into an engine, saves it to a file and returns
// the file's path; the engine is garbage once it returns.
func savedBenchState(t *testing.T, plans int) string {
	path := filepath.Join(t.TempDir(), "engine.state")
	if err := indexedPlans(t, plans).SaveState(path, "budget"); err != nil {
		t.Fatal(err)
	}
	return path
}
