package esengine

import (
	"testing"

	"github.com/planstore/planstore/projections"
)

// TestWritesCountsEveryRequestThatMayChangeTheEngine: reads leave the count alone;
// every kind of write moves it, a refused one too (counting one too many only costs a
// save, missing one would let serve keep a stale state).
func TestWritesCountsEveryRequestThatMayChangeTheEngine(t *testing.T) {
	e := newPlansIndex(t)
	mustStatus(t, 201, e, "PUT", "/plans-test/_doc/p1?routing=p1", `{"objectId":"p1","objectType":"plan","plan_join":"plan"}`)

	before := e.Writes()
	reads := []struct{ method, path, body string }{
		{"GET", "/plans-test/_doc/p1?routing=p1", ""},
		{"HEAD", "/plans-test", ""},
		{"POST", "/plans-test/_search", `{"query":{"match_all":{}}}`},
		{"GET", "/_search", ""},
		{"POST", "/plans-test/_count", `{"query":{"match_all":{}}}`},
		{"GET", "/_aliases", ""},
		{"GET", "/plans-test/_mapping", ""},
		{"GET", "/_cluster/health", ""},
	}
	for _, r := range reads {
		rest(t, e, r.method, r.path, r.body)
		if got := e.Writes(); got != before {
			t.Fatalf("%s %s moved the write count from %d to %d", r.method, r.path, before, got)
		}
	}

	writes := []struct{ method, path, body string }{
		{"PUT", "/plans-test/_doc/p2?routing=p2", `{"objectId":"p2","objectType":"plan","plan_join":"plan"}`},
		{"POST", "/plans-test/_update/p2?routing=p2", `{"doc":{"objectType":"plan"}}`},
		{"DELETE", "/plans-test/_doc/p2?routing=p2", ""},
		{"POST", "/_bulk", "{\"index\":{\"_index\":\"plans-test\",\"_id\":\"p3\",\"routing\":\"p3\"}}\n{\"objectId\":\"p3\",\"objectType\":\"plan\",\"plan_join\":\"plan\"}\n"},
		{"PUT", "/plans-test/_alias/plans", ""},
		{"POST", "/_aliases", `{"actions":[{"remove":{"index":"plans-test","alias":"plans"}}]}`},
		{"PUT", "/plans-test/_mapping", `{"properties":{"extra":{"type":"keyword"}}}`},
		{"POST", "/plans-test/_refresh", ""},
		{"PUT", "/plans-other", `{}`},
		{"DELETE", "/plans-other", ""},
		{"PUT", "/plans-test/_doc/bad", `not json`}, // refused, counted all the same
	}
	for _, w := range writes {
		n := e.Writes()
		rest(t, e, w.method, w.path, w.body)
		if e.Writes() == n {
			t.Fatalf("%s %s left the write count at %d", w.method, w.path, n)
		}
	}

	n := e.Writes()
	e.WriteActions("plans-test", false, []projections.Action{{Op: projections.OpIndex, Version: 1, Doc: projections.Doc{ID: "p4", Routing: "p4", Source: []byte(`{"objectId":"p4","objectType":"plan","plan_join":"plan"}`)}}}, func(int, int, string, string) {})
	if e.Writes() == n {
		t.Fatal("WriteActions left the write count unchanged")
	}
}
