package esengine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// loadPlans indexes n plans into plans-test, each with a planCostShare and a
// linkedPlanService child: enough documents for the join loops to check for a stop.
func loadPlans(t *testing.T, e *Engine, n int) {
	t.Helper()
	var b strings.Builder
	for i := range n {
		p := fmt.Sprintf("plan-%d", i)
		fmt.Fprintf(&b, "{\"index\":{\"_id\":%q,\"routing\":%q}}\n"+planJSON+"\n", p, p, p)
		fmt.Fprintf(&b, "{\"index\":{\"_id\":\"%s-pcs\",\"routing\":%q}}\n"+costShareJSON+"\n", p, p, p+"-pcs", i%40, p)
	}
	out := mustStatus(t, 200, e, "POST", "/plans-test/_bulk", b.String())
	if out["errors"] != false {
		t.Fatalf("bulk failed: %v", out)
	}
}

// chains is a bool should of n has_parent > has_child chains, issue 14's query shape.
func chains(n int) string {
	chain := `{"has_parent":{"parent_type":"plan","query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}}}`
	return `{"query":{"bool":{"should":[` + strings.TrimSuffix(strings.Repeat(chain+",", n), ",") + `]}}}`
}

// searchCtx runs a search through RoundTrip with ctx and returns its error.
func searchCtx(ctx context.Context, e *Engine, path, body string) error {
	req, err := http.NewRequestWithContext(ctx, "POST", "http://engine"+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	res, err := e.RoundTrip(req)
	if err == nil {
		_ = res.Body.Close()
	}
	return err
}

func TestTimeoutAnswersWhatWasFoundTimedOut(t *testing.T) {
	e := newPlansIndex(t)
	loadPlans(t, e, 2000)
	// Every check takes a millisecond, so a 1ms timeout expires after the first.
	e.stopHook = func() { time.Sleep(time.Millisecond) }
	out := mustStatus(t, 200, e, "POST", "/plans-test/_search?timeout=1ms", chains(8))
	if out["timed_out"] != true {
		t.Fatalf("timed_out %v, want true: %v", out["timed_out"], out["hits"])
	}
	// The body form is read too; without the hook the same search completes.
	e.stopHook = nil
	out = mustStatus(t, 200, e, "POST", "/plans-test/_search", `{"timeout":"1m",`+chains(8)[1:])
	if out["timed_out"] != false {
		t.Fatalf("timed_out %v without a slow check", out["timed_out"])
	}
	if total := out["hits"].(map[string]any)["total"].(map[string]any)["value"]; fmt.Sprint(total) == "0" {
		t.Fatal("the completed search found nothing")
	}
}

func TestTimeoutDuringCollectionKeepsTheHitsCollected(t *testing.T) {
	e := newPlansIndex(t)
	loadPlans(t, e, 3000)
	var checks atomic.Int64
	// Matching takes one check; collection checks every stopCheckEvery documents. The
	// clock moves past the deadline at the second check, inside the collection.
	e.stopHook = func() {
		if checks.Add(1) == 2 {
			time.Sleep(5 * time.Millisecond)
		}
	}
	out := mustStatus(t, 200, e, "POST", "/plans-test/_search?timeout=5ms&size=3", `{"sort":[{"copay":"desc"}],"query":{"exists":{"field":"objectId"}}}`)
	if out["timed_out"] != true {
		t.Fatalf("timed_out %v, want true", out["timed_out"])
	}
	if hits := out["hits"].(map[string]any)["hits"].([]any); len(hits) != 3 {
		t.Fatalf("%d hits, want the 3 best of those collected", len(hits))
	}
}

func TestCancelledSearchStopsWorking(t *testing.T) {
	e := newPlansIndex(t)
	loadPlans(t, e, 2000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const cancelAt = 5
	e.stopHook = func() {
		if e.evaluations.Load() == cancelAt {
			cancel() // the client goes away in the middle of the search
		}
	}
	err := searchCtx(ctx, e, "/plans-test/_search", chains(16))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	// The search ran in this goroutine and returned: the count is final. It stopped at
	// the check after the cancel, long before the 49 clauses and their document loops.
	if got := e.evaluations.Load(); got != cancelAt {
		t.Fatalf("%d checks made, want the search to stop at check %d", got, cancelAt)
	}
	// A count stops the same way.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	e.stopHook = func() {
		if e.evaluations.Load() == 2*cancelAt {
			cancel()
		}
	}
	err = searchCtx(ctx, e, "/plans-test/_count", chains(16))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("count: got %v, want context.Canceled", err)
	}
	if got := e.evaluations.Load(); got != 2*cancelAt {
		t.Fatalf("count made %d checks, want it to stop at %d", got-cancelAt, cancelAt)
	}
}

// heavySearch starts chains(16) in a goroutine, held at its first check until release is
// closed, and returns when it holds its view.
func heavySearch(t *testing.T, e *Engine) (release chan struct{}, done chan map[string]any) {
	t.Helper()
	started, release, done := make(chan struct{}), make(chan struct{}), make(chan map[string]any, 1)
	var held atomic.Bool
	e.stopHook = func() {
		if held.CompareAndSwap(false, true) {
			close(started)
			<-release
		}
	}
	go func() {
		_, out := rest(t, e, "POST", "/plans-test/_search?size=0", chains(16))
		done <- out
	}()
	<-started
	return release, done
}

func TestPlainSearchAnswersWhileAHeavyOneRuns(t *testing.T) {
	e := newPlansIndex(t)
	loadPlans(t, e, 2000)
	release, done := heavySearch(t, e)
	// The heavy search is in the middle of its evaluation; a plain search does not
	// wait for it.
	if got := searchIDs(t, e, `{"query":{"term":{"objectId":"plan-7"}}}`); len(got) != 1 || got[0] != "plan-7" {
		t.Fatalf("term search while the heavy one runs: %v", got)
	}
	select {
	case <-done:
		t.Fatal("the heavy search finished before it was released")
	default:
	}
	close(release)
	if out := <-done; out["timed_out"] != false {
		t.Fatalf("heavy search: %v", out)
	}
}

func TestWriteIsAppliedWhileAHeavySearchRuns(t *testing.T) {
	e := newPlansIndex(t)
	loadPlans(t, e, 2000)
	release, done := heavySearch(t, e)
	// Writes neither wait for the heavy search nor change what it reads.
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/new-plan?routing=new-plan", fmt.Sprintf(planJSON, "new-plan"))
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/new-pcs?routing=new-plan", fmt.Sprintf(costShareJSON, "new-pcs", 9, "new-plan"))
	mustStatus(t, 200, e, "DELETE", "/plans-test/_doc/plan-1-pcs?routing=plan-1", "")
	mustStatus(t, 200, e, "DELETE", "/plans-test/_doc/plan-2-pcs?routing=plan-2", "")
	if got := searchIDs(t, e, `{"query":{"has_child":{"type":"planCostShare","query":{"term":{"objectId":"new-pcs"}}}}}`); len(got) != 1 || got[0] != "new-plan" {
		t.Fatalf("the write is not visible to a later search: %v", got)
	}
	close(release)
	out := <-done
	// The heavy search saw the index as it was when it began: 1950 of the 2000 plans
	// have a child with copay >= 1 (1949 after the writes).
	total := out["hits"].(map[string]any)["total"].(map[string]any)["value"]
	if fmt.Sprint(total) != "1950" {
		t.Fatalf("heavy search total %v, want 1950 (the view it began with)", total)
	}
	if got := searchIDs(t, e, `{"query":{"ids":{"values":["plan-1-pcs","new-plan","new-pcs"]}}}`); len(got) != 2 {
		t.Fatalf("after the heavy search: %v", got)
	}
}
