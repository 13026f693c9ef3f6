package esengine

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/planstore/planstore/projections/esengine/internal/query"
)

func TestDynamicMappingOnAutoCreatedIndex(t *testing.T) {
	e := New()
	mustStatus(t, 201, e, "PUT", "/auto/_doc/1?refresh=true", `{"name":"Yearly Physical","count":3,"price":1.5,"ok":true,"nested":{"inner":"x"},"tags":["a","b"]}`)
	out := mustStatus(t, 200, e, "GET", "/auto/_mapping", "")
	props := out["auto"].(map[string]any)["mappings"].(map[string]any)["properties"].(map[string]any)
	want := map[string]string{"name": "text", "count": "long", "price": "float", "ok": "boolean", "tags": "text"}
	for field, typ := range want {
		if got := props[field].(map[string]any)["type"]; got != typ {
			t.Errorf("%s: type %v, want %s", field, got, typ)
		}
	}
	if _, ok := props["nested"].(map[string]any)["properties"]; !ok {
		t.Errorf("nested object not mapped: %v", props["nested"])
	}
	for body, n := range map[string]int{
		`{"query":{"term":{"name.keyword":"Yearly Physical"}}}`: 1,
		`{"query":{"match":{"name":"physical"}}}`:               1,
		`{"query":{"term":{"tags.keyword":"b"}}}`:               1,
		`{"query":{"term":{"nested.inner.keyword":"x"}}}`:       1,
		`{"query":{"range":{"count":{"gt":2}}}}`:                1,
		`{"query":{"term":{"ok":true}}}`:                        1,
		`{"query":{"exists":{"field":"nested"}}}`:               1,
		`{"query":{"term":{"ok":false}}}`:                       0,
	} {
		out := mustStatus(t, 200, e, "POST", "/auto/_count", body)
		if got := fmt.Sprint(out["count"]); got != fmt.Sprint(n) {
			t.Errorf("%s: count %s, want %d", body, got, n)
		}
	}
	mustStatus(t, 404, e, "DELETE", "/never/_doc/1", "")
	mustStatus(t, 404, e, "HEAD", "/never", "")
}

func TestAutoCreateCanBeDisabled(t *testing.T) {
	e := New(WithAutoCreateIndex(false))
	out := mustStatus(t, 404, e, "PUT", "/auto/_doc/1", `{"a":1}`)
	if errType(out) != "index_not_found_exception" {
		t.Fatalf("%v", out)
	}
}

func TestUpdateAPI(t *testing.T) {
	e := New()
	mustStatus(t, 201, e, "PUT", "/u/_doc/1", `{"a":1,"o":{"x":1}}`)
	out := mustStatus(t, 200, e, "POST", "/u/_update/1", `{"doc":{"b":2,"o":{"y":2}}}`)
	if out["result"] != "updated" {
		t.Fatalf("%v", out)
	}
	out = mustStatus(t, 200, e, "GET", "/u/_doc/1", "")
	if got := fmt.Sprint(out["_source"]); got != "map[a:1 b:2 o:map[x:1 y:2]]" {
		t.Fatalf("merged source %s", got)
	}
	out = mustStatus(t, 200, e, "POST", "/u/_update/1", `{"doc":{"b":2}}`)
	if out["result"] != "noop" {
		t.Fatalf("noop: %v", out)
	}
	mustStatus(t, 404, e, "POST", "/u/_update/2", `{"doc":{"b":2}}`)
	mustStatus(t, 201, e, "POST", "/u/_update/2", `{"doc":{"b":2},"doc_as_upsert":true}`)
	mustStatus(t, 400, e, "POST", "/u/_update/2", `{"script":"ctx._source.b++"}`)
}

func TestMinimumShouldMatch(t *testing.T) {
	for _, c := range []struct {
		n    int
		spec string
		want int
	}{
		{3, "2", 2}, {3, "-1", 2}, {4, "50%", 2}, {3, "50%", 1}, {4, "-25%", 3}, {3, "100%", 3},
		{3, "5", 5}, {1, "3<90%", 1}, {5, "3<90%", 4}, {10, "2<-25% 9<-3", 7}, {5, "2<-25% 9<-3", 4},
	} {
		got, err := query.MinimumShouldMatch(c.n, c.spec)
		if err != nil || got != c.want {
			t.Errorf("minimumShouldMatch(%d, %q) = %d, %v; want %d", c.n, c.spec, got, err, c.want)
		}
	}
	if _, err := query.MinimumShouldMatch(3, "x"); err == nil {
		t.Error("bad spec accepted")
	}
}

func TestSourceFiltering(t *testing.T) {
	e := New()
	mustStatus(t, 201, e, "PUT", "/s/_doc/1", `{"a":1,"b":{"c":2,"d":3},"e":[{"f":1,"g":2}]}`)
	for q, want := range map[string]string{
		`{"_source":["a"]}`: `map[a:1]`,
		`{"_source":"b.c"}`: `map[b:map[c:2]]`,
		`{"_source":{"includes":["b*"],"excludes":["b.d"]}}`: `map[b:map[c:2]]`,
		`{"_source":{"excludes":["e.g","a"]}}`:               `map[b:map[c:2 d:3] e:[map[f:1]]]`,
		`{"_source":["e.f"]}`:                                `map[e:[map[f:1]]]`,
		`{"_source":true}`:                                   `map[a:1 b:map[c:2 d:3] e:[map[f:1 g:2]]]`,
	} {
		out := mustStatus(t, 200, e, "POST", "/s/_search", q)
		hit := out["hits"].(map[string]any)["hits"].([]any)[0].(map[string]any)
		if got := fmt.Sprint(hit["_source"]); got != want {
			t.Errorf("%s: _source %s, want %s", q, got, want)
		}
	}
	out := mustStatus(t, 200, e, "POST", "/s/_search", `{"_source":false}`)
	if _, has := out["hits"].(map[string]any)["hits"].([]any)[0].(map[string]any)["_source"]; has {
		t.Error("_source false still returned a source")
	}
	out = mustStatus(t, 200, e, "GET", "/s/_doc/1?_source_includes=b.d", "")
	if got := fmt.Sprint(out["_source"]); got != "map[b:map[d:3]]" {
		t.Errorf("get with _source_includes: %s", got)
	}
}

// TestSearchAcrossIndices: an alias over several indices is searched as one, merged in
// sort order, as Elasticsearch does.
func TestSearchAcrossIndices(t *testing.T) {
	e := New()
	mustStatus(t, 200, e, "PUT", "/one", `{"mappings":{"properties":{"n":{"type":"long"},"k":{"type":"keyword"}}}}`)
	mustStatus(t, 200, e, "PUT", "/two", `{"mappings":{"properties":{"n":{"type":"long"},"k":{"type":"keyword"}}}}`)
	for i := 0; i < 6; i++ {
		ix := []string{"one", "two"}[i%2]
		mustStatus(t, 201, e, "PUT", fmt.Sprintf("/%s/_doc/d%d", ix, i), fmt.Sprintf(`{"n":%d,"k":"x"}`, i))
	}
	mustStatus(t, 200, e, "POST", "/_aliases", `{"actions":[{"add":{"indices":["one","two"],"alias":"both"}}]}`)
	out := mustStatus(t, 200, e, "POST", "/both/_search", `{"sort":[{"n":"desc"}],"from":1,"size":3}`)
	hits := out["hits"].(map[string]any)
	var ids []string
	for _, h := range hits["hits"].([]any) {
		ids = append(ids, h.(map[string]any)["_id"].(string))
	}
	if !slices.Equal(ids, []string{"d4", "d3", "d2"}) || fmt.Sprint(hits["total"].(map[string]any)["value"]) != "6" {
		t.Fatalf("merged page %v, total %v", ids, hits["total"])
	}
	if shards := fmt.Sprint(out["_shards"].(map[string]any)["total"]); shards != "2" {
		t.Fatalf("_shards.total %s", shards)
	}
	out = mustStatus(t, 400, e, "PUT", "/both/_doc/z", `{"n":1}`)
	if !strings.Contains(fmt.Sprint(out), "no write index is defined") {
		t.Fatalf("write to a two-index alias: %v", out)
	}
	mustStatus(t, 200, e, "PUT", "/two/_alias/both", `{"is_write_index":true}`)
	out = mustStatus(t, 201, e, "PUT", "/both/_doc/z", `{"n":1}`)
	if out["_index"] != "two" {
		t.Fatalf("write index: %v", out)
	}
	out = mustStatus(t, 200, e, "GET", "/_search?size=0", "")
	if fmt.Sprint(out["hits"].(map[string]any)["total"].(map[string]any)["value"]) != "7" {
		t.Fatalf("search all: %v", out)
	}
	mustStatus(t, 200, e, "POST", "/one*/_search", `{}`)
	mustStatus(t, 200, e, "POST", "/nomatch*/_search", `{}`)
	mustStatus(t, 404, e, "POST", "/nomatch/_search", `{}`)
}

func TestRESTPlumbing(t *testing.T) {
	e := New()
	out := mustStatus(t, 200, e, "GET", "/", "")
	if out["tagline"] != "You Know, for Search" {
		t.Fatalf("info: %v", out)
	}
	mustStatus(t, 200, e, "HEAD", "/", "")
	out = mustStatus(t, 200, e, "GET", "/_cluster/health", "")
	if out["status"] != "green" {
		t.Fatalf("health: %v", out)
	}
	status, out := rest(t, e, "DELETE", "/_cluster/health", "")
	if status != 405 || !strings.Contains(fmt.Sprint(out["error"]), "Incorrect HTTP method") {
		t.Fatalf("405: %d %v", status, out)
	}
	status, out = rest(t, e, "GET", "/a/b/c/d/e", "")
	if status != 400 || !strings.Contains(fmt.Sprint(out["error"]), "no handler found") {
		t.Fatalf("no handler: %d %v", status, out)
	}
	out = mustStatus(t, 400, e, "GET", "/_search?bogus=1", "")
	if errType(out) != "illegal_argument_exception" {
		t.Fatalf("unrecognized parameter: %v", out)
	}
	mustStatus(t, 200, e, "GET", "/_search?pretty", "")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://engine/", nil)
	if res, err := e.RoundTrip(req); err == nil {
		res.Body.Close()
		t.Fatal("a cancelled request must fail")
	}
}

func TestClientProductCheck(t *testing.T) {
	client, err := NewClient(New())
	if err != nil {
		t.Fatal(err)
	}
	res, err := client.Info()
	if err != nil {
		t.Fatalf("info through the client: %v", err)
	}
	defer func() { _ = res.Body.Close() }()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("info: %s", res)
	}
	if _, err := NewClient(nil); err == nil {
		t.Fatal("NewClient(nil) must fail")
	}
}
