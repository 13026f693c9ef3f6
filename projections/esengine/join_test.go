package esengine

import (
	"fmt"
	"slices"
	"testing"
)

const planJSON = `{"objectId":"%s","objectType":"plan","plan_join":"plan"}`
const costShareJSON = `{"objectId":"%s","objectType":"membercostshare","copay":%d,"plan_join":{"name":"planCostShare","parent":"%s"}}`

// expectHasChild checks the plans has_child finds: those with a cost share of copay >= 1.
func expectHasChild(t *testing.T, e *Engine, when string, want ...string) {
	t.Helper()
	expectIDs(t, e, "has_child "+when, `{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}}`, want)
}

// expectHasParent checks the children has_parent finds for plan.
func expectHasParent(t *testing.T, e *Engine, when, plan string, want ...string) {
	t.Helper()
	expectIDs(t, e, "has_parent "+when, fmt.Sprintf(`{"query":{"has_parent":{"parent_type":"plan","query":{"ids":{"values":[%q]}}}}}`, plan), want)
}

func expectIDs(t *testing.T, e *Engine, what, query string, want []string) {
	t.Helper()
	ids := searchIDs(t, e, query)
	slices.Sort(ids)
	if !slices.Equal(ids, want) {
		t.Fatalf("%s: found %v, want %v", what, ids, want)
	}
}

// TestJoinFollowsRewrites checks the join graph through the write patterns a projection
// produces: children before parents, parents re-indexed, deleted and restored, children
// moved to another parent, and compaction renumbering everything.
func TestJoinFollowsRewrites(t *testing.T) {
	e := newPlansIndex(t)
	// Child first: its parent does not exist yet.
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/a-pcs?routing=a", fmt.Sprintf(costShareJSON, "a-pcs", 5, "a"))
	expectHasChild(t, e, "with no parent yet")
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/a?routing=a", fmt.Sprintf(planJSON, "a"))
	expectHasChild(t, e, "after parent indexed", "a")
	// Re-indexing the parent gives it a new document number.
	mustStatus(t, 200, e, "PUT", "/plans-test/_doc/a?routing=a", fmt.Sprintf(planJSON, "a"))
	expectHasChild(t, e, "after parent re-indexed", "a")
	expectHasParent(t, e, "after parent re-indexed", "a", "a-pcs")
	// Deleting the parent orphans the child; restoring it heals the join.
	mustStatus(t, 200, e, "DELETE", "/plans-test/_doc/a", "")
	expectHasChild(t, e, "after parent deleted")
	expectOrphanKeys(t, e, "after parent deleted", 1)
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/a?routing=a", fmt.Sprintf(planJSON, "a"))
	expectHasChild(t, e, "after parent restored", "a")
	expectOrphanKeys(t, e, "after parent restored", 0)
	// Moving the child to another parent.
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/b?routing=b", fmt.Sprintf(planJSON, "b"))
	mustStatus(t, 200, e, "PUT", "/plans-test/_doc/a-pcs?routing=b", fmt.Sprintf(costShareJSON, "a-pcs", 5, "b"))
	expectHasChild(t, e, "after child moved", "b")
	expectHasParent(t, e, "of the old parent", "a")
	// Enough rewrites to trigger compaction, then the join must still hold.
	for i := 0; i < 10000; i++ {
		mustStatus(t, 200, e, "PUT", "/plans-test/_doc/b?routing=b", fmt.Sprintf(planJSON, "b"))
	}
	ix := e.indices["plans-test"]
	if n := len(ix.Store.Docs); n > 9000 {
		t.Fatalf("store kept %d document slots for 3 documents: compaction did not run", n)
	}
	expectHasChild(t, e, "after compaction", "b")
	expectHasParent(t, e, "after compaction", "b", "a-pcs")
	expectOrphanKeys(t, e, "after compaction", 0)
}

// expectOrphanKeys checks how many join keys no live document holds: those of parents
// that children name and that are not indexed. A key held by its parent must not also
// cost a map entry.
func expectOrphanKeys(t *testing.T, e *Engine, when string, want int) {
	t.Helper()
	if n := e.indices["plans-test"].Store.OrphanKeyCount(); n != want {
		t.Fatalf("%s: %d orphan join keys, want %d", when, n, want)
	}
}

func TestHasChildScoreModes(t *testing.T) {
	e := newPlansIndex(t)
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/s?routing=s", `{"objectId":"s","plan_join":"plan"}`)
	for i, name := range []string{"yearly physical", "yearly", "dental"} {
		mustStatus(t, 201, e, "PUT", fmt.Sprintf("/plans-test/_doc/s%d?routing=s", i),
			fmt.Sprintf(`{"name":%q,"plan_join":{"name":"linkedPlanService","parent":"s"}}`, name))
	}
	scoreOf := func(mode string) float64 {
		out := mustStatus(t, 200, e, "POST", "/plans-test/_search", fmt.Sprintf(
			`{"query":{"has_child":{"type":"linkedPlanService","score_mode":%q,"query":{"match":{"name":"yearly physical"}}}}}`, mode))
		hits := out["hits"].(map[string]any)["hits"].([]any)
		if len(hits) != 1 {
			t.Fatalf("%s: hits %v", mode, hits)
		}
		f, _ := hits[0].(map[string]any)["_score"].(interface{ Float64() (float64, error) }).Float64()
		return f
	}
	none, maxS, minS, sum, avg := scoreOf("none"), scoreOf("max"), scoreOf("min"), scoreOf("sum"), scoreOf("avg")
	if none != 1 {
		t.Errorf("none = %v, want 1", none)
	}
	if !(maxS > minS && sum > maxS && avg > minS && avg < maxS) {
		t.Errorf("max %v min %v sum %v avg %v are not consistent", maxS, minS, sum, avg)
	}
}
