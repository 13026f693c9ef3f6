package esengine

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/planstore/planstore/projections/dsltest"
	"github.com/planstore/planstore/projections/esengine/internal/index"
)

// replaceBulk renders plans [from, to) at one external version; variant changes the
// sources of every third plan's cost shares, so a re-index mixes changed and unchanged
// documents.
func replaceBulk(from, to int, version int, variant int) string {
	var b strings.Builder
	doc := func(id, routing, source string) {
		fmt.Fprintf(&b, `{"index":{"_id":%q,"routing":%q,"version":%d,"version_type":"external"}}`+"\n%s\n", id, routing, version, source)
	}
	for i := from; i < to; i++ {
		p := fmt.Sprintf("p%d", i)
		copay := i % 7
		if i%3 == 0 {
			copay += variant
		}
		doc(p, p, fmt.Sprintf(`{"objectId":%q,"objectType":"plan","_org":"org%d","plan_join":"plan"}`, p, i%4))
		doc(p+"-pcs", p, fmt.Sprintf(`{"objectId":"%s-pcs","objectType":"membercostshare","copay":%d,"deductible":%d,"plan_join":{"name":"planCostShare","parent":%q}}`, p, copay, i*10, p))
		doc(p+"-ps", p, fmt.Sprintf(`{"objectId":"%s-ps","objectType":"planservice","plan_join":{"name":"linkedPlanService","parent":%q}}`, p, p))
		doc(p+"-svc", p, fmt.Sprintf(`{"objectId":"%s-svc","objectType":"service","name":"Yearly Physical %d","plan_join":{"name":"linkedService","parent":"%s-ps"}}`, p, i%5, p))
	}
	return b.String()
}

func send(t *testing.T, e *Engine, method, path, body string) string {
	t.Helper()
	req, err := http.NewRequest(method, "http://engine"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	data, _ := io.ReadAll(res.Body)
	data = tookRE.ReplaceAll(data, []byte(`"took":0`))
	data = idRE.ReplaceAll(data, []byte(`"$1":"x"`)) // each engine has its own
	return fmt.Sprintf("%d %s", res.StatusCode, data)
}

var (
	tookRE = regexp.MustCompile(`"took":\d+`)
	idRE   = regexp.MustCompile(`"(index_uuid|node)":"[^"]*"`)
)

// Re-indexing unchanged documents takes the reuse path; every answer, from the bulk
// items to searches over every query type, must be what parsing them again gives.
func TestUnchangedReindexAnswersAsParsing(t *testing.T) {
	steps := []struct{ method, path, body string }{
		{"PUT", "/plans", joinIndexBody},
		{"POST", "/plans/_bulk", replaceBulk(0, 40, 1, 0)},
		{"POST", "/plans/_bulk", replaceBulk(0, 40, 2, 0)},  // all unchanged
		{"POST", "/plans/_bulk", replaceBulk(10, 30, 3, 5)}, // some changed
		{"POST", "/plans/_bulk", replaceBulk(10, 30, 3, 5)}, // stale versions: conflicts
		{"DELETE", "/plans/_doc/p12?routing=p12", ""},
		{"DELETE", "/plans/_doc/p13-ps?routing=p13", ""},
		{"POST", "/plans/_bulk", replaceBulk(0, 40, 4, 5)},
		{"PUT", "/plans/_mapping", `{"properties":{"objectType":{"type":"keyword","fields":{"raw":{"type":"keyword"}}}}}`},
		{"POST", "/plans/_bulk", replaceBulk(0, 20, 5, 5)}, // unchanged, but the mapping grew
		{"POST", "/plans/_bulk", replaceBulk(0, 40, 6, 5)},
		{"PUT", "/plans/_doc/p1?routing=p1&version=7&version_type=external", `{"objectId":"p1","objectType":"plan","_org":"org1","plan_join":"plan"}`},
		{"PUT", "/plans/_doc/p1?routing=other&version=8&version_type=external", `{"objectId":"p1","objectType":"plan","_org":"org1","plan_join":"plan"}`},
	}
	queries := []string{
		`{"query":{"term":{"objectType.raw":"plan"}},"size":100,"sort":["_doc"]}`,
		`{"query":{"match_all":{}},"size":200,"sort":["_doc"],"version":true,"seq_no_primary_term":true}`,
		`{"query":{"range":{"copay":{"gte":3}}},"size":100,"sort":[{"copay":"desc"},"_doc"]}`,
		`{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gt":4}}}}},"size":100}`,
		`{"query":{"has_parent":{"parent_type":"linkedPlanService","query":{"has_parent":{"parent_type":"plan","query":{"term":{"_org":"org1"}}}}}},"size":100}`,
		`{"query":{"match":{"name":"physical 3"}},"size":100}`,
		`{"query":{"bool":{"must_not":{"exists":{"field":"copay"}}}},"size":100,"sort":["_doc"]}`,
		`{"query":{"parent_id":{"type":"linkedService","id":"p13-ps"}}}`,
		`{"query":{"terms":{"_routing":["p1","other"]}},"sort":["_doc"]}`,
	}
	for _, c := range dsltest.Cases {
		queries = append(queries, c.Body)
	}
	reuse, parse := New(WithTombstoneRetention(0)), New(WithTombstoneRetention(0))
	for i, s := range steps {
		index.ReuseUnchanged = true
		a := send(t, reuse, s.method, s.path, s.body)
		index.ReuseUnchanged = false
		b := send(t, parse, s.method, s.path, s.body)
		index.ReuseUnchanged = true
		if a != b {
			t.Fatalf("step %d %s %s:\nreuse %.2000s\nparse %.2000s", i, s.method, s.path, a, b)
		}
		for _, q := range queries {
			if a, b := send(t, reuse, "POST", "/plans/_search", q), send(t, parse, "POST", "/plans/_search", q); a != b {
				t.Fatalf("after step %d, %s:\nreuse %.2000s\nparse %.2000s", i, q, a, b)
			}
		}
	}
}
