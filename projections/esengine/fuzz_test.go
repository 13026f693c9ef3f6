package esengine

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/planstore/planstore/projections/dsltest"
)

var (
	fuzzEngineOnce sync.Once
	fuzzEngine     *Engine
)

// fuzzFixture is an engine with a few plans, so fuzzed queries are evaluated, not only
// parsed.
func fuzzFixture(t testing.TB) *Engine {
	fuzzEngineOnce.Do(func() {
		e := New()
		req, _ := http.NewRequest("PUT", "http://engine/plans-test", strings.NewReader(`{"mappings":{"dynamic":"strict","properties":{"objectId":{"type":"keyword"},"objectType":{"type":"keyword"},"_org":{"type":"keyword"},"copay":{"type":"double"},"deductible":{"type":"long"},"name":{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":256}}},"plan_join":{"type":"join","relations":{"plan":["planCostShare","linkedPlanService"],"linkedPlanService":["linkedService","planserviceCostShare"]}}}}}`))
		res, err := e.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var bulk strings.Builder
		for i := 0; i < 5; i++ {
			p := fmt.Sprintf("p%d", i)
			fmt.Fprintf(&bulk, `{"index":{"_id":%q,"routing":%q}}`+"\n"+`{"objectId":%q,"objectType":"plan","_org":"o%d","plan_join":"plan"}`+"\n", p, p, p, i%2)
			fmt.Fprintf(&bulk, `{"index":{"_id":"%s-pcs","routing":%q}}`+"\n"+`{"objectType":"membercostshare","copay":%d,"deductible":%d,"plan_join":{"name":"planCostShare","parent":%q}}`+"\n", p, p, i*10, i, p)
			fmt.Fprintf(&bulk, `{"index":{"_id":"%s-ps","routing":%q}}`+"\n"+`{"objectType":"planservice","plan_join":{"name":"linkedPlanService","parent":%q}}`+"\n", p, p, p)
			fmt.Fprintf(&bulk, `{"index":{"_id":"%s-svc","routing":%q}}`+"\n"+`{"objectType":"service","name":"Yearly physical %d","plan_join":{"name":"linkedService","parent":"%s-ps"}}`+"\n", p, p, i, p)
		}
		req, _ = http.NewRequest("POST", "http://engine/plans-test/_bulk", strings.NewReader(bulk.String()))
		if res, err = e.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		fuzzEngine = e
	})
	return fuzzEngine
}

// FuzzParseQuery feeds arbitrary search bodies to the engine: whatever the input, the
// answer must be a well-formed Elasticsearch response or error, never a panic (which
// the engine would report as a 500).
func FuzzParseQuery(f *testing.F) {
	for _, c := range dsltest.Cases {
		f.Add(c.Body)
	}
	for _, s := range []string{
		`{"query":{"bool":{"should":[{"match":{"name":{"query":"a b c","minimum_should_match":"-1"}}}],"minimum_should_match":"2<50%"}}}`,
		`{"query":{"has_child":{"type":"planCostShare","score_mode":"avg","min_children":0,"query":{"match_all":{"boost":3}}}},"sort":["_score",{"objectId":{"missing":"_first"}}]}`,
		`{"query":{"range":{"copay":{"from":1,"to":null,"include_lower":false}}},"track_total_hits":1,"min_score":0.5}`,
		`{"query":{"terms":{"_id":["p1",2,true]}},"_source":{"excludes":["*"]},"track_scores":true,"sort":[{"deductible":{"order":"desc","mode":"avg","missing":3}}]}`,
		`{"query":{"has_parent":{"parent_type":"plan","score":true,"query":{"bool":{"must_not":{"exists":{"field":"plan_join*"}}}}}}}`,
		`{"query":{"term":{"objectId":{"value":"P1","case_insensitive":true}}},"from":-1,"size":-5}`,
		`{"query":{"match":{"copay":"abc"}}}`, `[]`, `null`, `{"query":null}`, `{"size":1e400}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		e := fuzzFixture(t)
		start := time.Now()
		defer func() {
			// A query over twenty documents has no business taking seconds.
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("%q took %v", body, d)
			}
		}()
		for _, path := range []string{"/plans-test/_search", "/plans-test/_count"} {
			data, ok := postNo500(t, e, path, body)
			if !ok {
				t.Fatalf("%s: no request for this path", path)
			}
			if !json.Valid(data) {
				t.Fatalf("%s %q: invalid JSON answer %q", path, body, data)
			}
		}
	})
}

// FuzzIndexDocument feeds arbitrary sources and bulk bodies to the write path.
func FuzzIndexDocument(f *testing.F) {
	f.Add(`{"objectId":"x","copay":"12","name":["a",{"b":1}],"plan_join":{"name":"planCostShare","parent":7}}`, "x")
	f.Add(`{"a.b":1,"a":{"c":null},"":1}`, "")
	f.Add("{\"index\":{\"_id\":\"1\"}}\n{\"a\":1}\n{\"delete\":{\"_id\":\"1\",\"version\":\"x\"}}\n", "bulk")
	f.Fuzz(func(t *testing.T, body, id string) {
		e := New()
		paths := []string{"/fuzz/_doc/" + id + "?routing=r", "/fuzz/_bulk", "/fuzz/_update/" + id}
		for _, path := range paths {
			if _, ok := postNo500(t, e, path, body); !ok {
				return // ids that do not make a URL
			}
		}
		req, _ := http.NewRequest("POST", "http://engine/fuzz/_search", strings.NewReader(`{"query":{"match_all":{}}}`))
		res, err := e.RoundTrip(req)
		if err == nil {
			_ = res.Body.Close()
		}
	})
}

// postNo500 posts body to path and returns the answer, failing the test on a 5xx (the
// engine's report of a panic); ok is false when path does not make a request.
func postNo500(t *testing.T, e *Engine, path, body string) (data []byte, ok bool) {
	t.Helper()
	req, err := http.NewRequest("POST", "http://engine"+path, strings.NewReader(body))
	if err != nil {
		return nil, false
	}
	res, err := e.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ = io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode >= 500 {
		t.Fatalf("%s %q: status %d: %s", path, body, res.StatusCode, data)
	}
	return data, true
}
