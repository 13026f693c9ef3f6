package plangen

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/transport/testenv"
)

func newTestGenerator(t *testing.T) *Generator {
	t.Helper()
	g, err := New(NewRunID())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// eachPlan generates n plans of one run from a seeded source and hands each to check,
// with the source for whatever else the check draws.
func eachPlan(t *testing.T, n int, seed rand.Source, check func(r *rand.Rand, p Plan)) {
	t.Helper()
	g := newTestGenerator(t)
	r := rand.New(seed)
	for range n {
		p, err := g.Plan(r)
		if err != nil {
			t.Fatal(err)
		}
		check(r, p)
	}
}

// The server's own strict decoder is the reference for "valid": a generated plan that
// it refuses would only measure 400s.
func TestPlansPassTheServersValidation(t *testing.T) {
	eachPlan(t, 500, rand.NewPCG(1, 2), func(_ *rand.Rand, p Plan) {
		doc, err := plan.Decode(p.Body)
		if err != nil {
			t.Fatalf("plan %s refused: %v\n%s", p.ID, err, p.Body)
		}
		if doc.ObjectID != p.ID {
			t.Fatalf("objectId %q, Plan.ID %q", doc.ObjectID, p.ID)
		}
	})
}

// Every objectId of every plan is unique, also when many workers generate at once.
func TestObjectIDsAreUniqueAcrossConcurrentWorkers(t *testing.T) {
	g := newTestGenerator(t)
	const workers, perWorker = 8, 300
	ids := make([][]string, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(7, uint64(w))) // same seed stream content, distinct ids
			for range perWorker {
				p, err := g.Plan(r)
				if err != nil {
					t.Error(err)
					return
				}
				ids[w] = append(ids[w], objectIDs(t, p.Body)...)
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, list := range ids {
		for _, id := range list {
			if seen[id] {
				t.Fatalf("objectId %q generated twice", id)
			}
			seen[id] = true
		}
	}
	if len(seen) < workers*perWorker*5 { // a plan has at least 5 objects
		t.Fatalf("only %d objectIds", len(seen))
	}
}

func TestRunsDoNotShareObjectIDs(t *testing.T) {
	a, b := newTestGenerator(t), newTestGenerator(t)
	r := rand.New(rand.NewPCG(1, 1))
	pa, _ := a.Plan(r)
	r = rand.New(rand.NewPCG(1, 1))
	pb, _ := b.Plan(r)
	if pa.ID == pb.ID {
		t.Fatalf("two runs generated the same plan id %q", pa.ID)
	}
}

// The generated shape is the example's: same members at every level, same JSON types.
func TestPlansHaveTheExampleShape(t *testing.T) {
	raw, err := os.ReadFile("testdata/example-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	want := shapeOf(t, raw)
	eachPlan(t, 50, rand.NewPCG(3, 4), func(_ *rand.Rand, p Plan) {
		if got := shapeOf(t, p.Body); got != want {
			t.Fatalf("shape differs from the example\n got: %s\nwant: %s", got, want)
		}
	})
}

// Every patch applies to the plan it is made for and yields a valid plan.
func TestPatchesApplyAndValidate(t *testing.T) {
	eachPlan(t, 200, rand.NewPCG(5, 6), func(r *rand.Rand, p Plan) {
		doc, err := plan.Decode(p.Body)
		if err != nil {
			t.Fatal(err)
		}
		agg := plan.New(p.ID)
		created, err := agg.Create(doc)
		if err != nil {
			t.Fatal(err)
		}
		agg.Apply(created)
		patch := Patch(r, p.ID)
		if _, err := agg.Patch(patch); err != nil {
			t.Fatalf("patch %s refused: %v", patch, err)
		}
	})
}

func TestRunIDRules(t *testing.T) {
	for _, bad := range []string{"", "has space", "slash/", strings.Repeat("a", maxRunIDLength+1)} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
	if _, err := New(NewRunID()); err != nil {
		t.Errorf("NewRunID is refused by New: %v", err)
	}
}

func objectIDs(t *testing.T, body []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	var ids []string
	testenv.EachObject(v, func(o map[string]any) {
		if id, ok := o["objectId"].(string); ok {
			ids = append(ids, id)
		}
	})
	return ids
}

// shapeOf describes a document's structure: sorted member names with their JSON types,
// arrays by the shape of their elements (all elements must agree).
func shapeOf(t *testing.T, body []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	var describe func(any) string
	describe = func(v any) string {
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := make([]string, len(keys))
			for i, k := range keys {
				parts[i] = k + ":" + describe(v[k])
			}
			return "{" + strings.Join(parts, ",") + "}"
		case []any:
			if len(v) == 0 {
				return "[]"
			}
			first := describe(v[0])
			for _, e := range v[1:] {
				if describe(e) != first {
					t.Fatalf("array elements differ in shape")
				}
			}
			return "[" + first + "]"
		case string:
			return "string"
		case float64:
			return "number"
		default:
			t.Fatalf("unexpected JSON value %T", v)
			return ""
		}
	}
	return describe(v)
}
