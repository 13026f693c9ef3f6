package main

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/planstore/planstore/projections"
)

func TestObjectsProblemTellsHalfThereFromNeverProjectedAndStale(t *testing.T) {
	body := newPlan(rand.New(rand.NewPCG(3, 4)), "org", "p1")
	docs, err := projections.Documents(body)
	if err != nil {
		t.Fatal(err)
	}
	e := expected{state: planState{ID: "p1", Doc: body}, docs: docs}
	q := &role{Name: "query-api-1"}
	index := func(skip int, change func(map[string]any)) (map[string]int, map[string]searchHit) {
		seen, byID := map[string]int{}, map[string]searchHit{}
		for i, d := range docs {
			if i == skip {
				continue
			}
			src := map[string]any{}
			if err := json.Unmarshal(d.Source, &src); err != nil {
				t.Fatal(err)
			}
			if i == 0 && change != nil {
				change(src)
			}
			seen[d.ID]++
			byID[d.ID] = searchHit{ID: d.ID, Source: src}
		}
		return seen, byID
	}
	seen, byID := index(-1, nil)
	if got := objectsProblem(q, e, seen, byID); got != "" {
		t.Errorf("complete plan: %s", got)
	}
	seen, byID = index(2, nil)
	if got := objectsProblem(q, e, seen, byID); !strings.Contains(got, "half there") {
		t.Errorf("one object missing: %q", got)
	}
	if got := objectsProblem(q, e, map[string]int{}, nil); !strings.Contains(got, "never projected") {
		t.Errorf("nothing indexed: %q", got)
	}
	seen, byID = index(-1, func(m map[string]any) { m["planType"] = "stale" })
	if got := objectsProblem(q, e, seen, byID); !strings.Contains(got, "stale") {
		t.Errorf("stale plan: %q", got)
	}
	e.state.Deleted = true
	seen, byID = index(-1, nil)
	if got := objectsProblem(q, e, seen, byID); !strings.Contains(got, "still found") {
		t.Errorf("deleted plan still indexed: %q", got)
	}
}
