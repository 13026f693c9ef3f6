package esengine_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/planstore/planstore/projections/esengine"
)

// exchange is one raw REST call replayed against the engine and a real cluster.
type exchange struct {
	method, path, body string
}

// volatileKeys differ between any two clusters (timings, generated ids) or between
// Elasticsearch 7 and 8 (_type), so the comparison ignores them.
var volatileKeys = map[string]bool{
	"took": true, "_type": true, "index_uuid": true, "uuid": true, "node": true, "creation_date": true,
	"cluster_uuid": true, "version": true, "provided_name": true, "routing": true, "line": true, "col": true,
}

// TestDifferential replays raw requests against the engine and the cluster named by
// PLANSTORE_TEST_ES_URL and reports every difference in status or body, apart from
// scores (compared as present/absent) and volatile keys. It is the tool that keeps the
// engine's shapes honest; the conformance suite checks semantics.
func TestDifferential(t *testing.T) {
	url := os.Getenv("PLANSTORE_TEST_ES_URL")
	if url == "" {
		t.Skip("PLANSTORE_TEST_ES_URL is not set")
	}
	url = strings.TrimRight(strings.Split(url, ",")[0], "/")
	engine := esengine.New()
	index := "esengine-diff-" + fmt.Sprint(os.Getpid())
	script := differentialScript(index)
	dropAll := func() {
		// One by one: a multi-index DELETE fails as a whole when one index is missing.
		for _, name := range []string{index, index + "-b", index + "-auto"} {
			send(t, http.DefaultTransport, url, exchange{"DELETE", "/" + name, ""})
		}
	}
	dropAll()
	t.Cleanup(dropAll)
	for _, ex := range script {
		wantStatus, wantBody := send(t, http.DefaultTransport, url, ex)
		gotStatus, gotBody := send(t, engine, "http://engine", ex)
		if wantStatus != gotStatus {
			t.Errorf("%s %s %s\n status: engine %d, cluster %d\n engine:  %s\n cluster: %s", ex.method, ex.path, ex.body, gotStatus, wantStatus, gotBody, wantBody)
			continue
		}
		w, g := normalise(wantBody), normalise(gotBody)
		if !reflect.DeepEqual(w, g) {
			wj, _ := json.Marshal(w)
			gj, _ := json.Marshal(g)
			t.Errorf("%s %s %s\n engine:  %s\n cluster: %s", ex.method, ex.path, ex.body, gj, wj)
		}
	}
}

func send(t testing.TB, rt http.RoundTripper, base string, ex exchange) (int, []byte) {
	t.Helper()
	var body io.Reader
	if ex.body != "" {
		body = strings.NewReader(ex.body)
	}
	req, err := http.NewRequest(ex.method, base+ex.path, body)
	if err != nil {
		t.Fatal(err)
	}
	ct := "application/json"
	if strings.Contains(ex.path, "_bulk") {
		ct = "application/x-ndjson"
	}
	req.Header.Set("Content-Type", ct)
	res, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", ex.method, ex.path, err)
	}
	defer func() { _ = res.Body.Close() }()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, data
}

func normalise(data []byte) any {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(data)
	}
	return scrub(v, "")
}

func scrub(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if volatileKeys[k] {
				continue
			}
			out[k] = scrub(e, k)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = scrub(e, key)
		}
		if key == "hits" || key == "items" {
			return out
		}
		return out
	case string:
		if key == "reason" {
			return scrubReason(x)
		}
	case json.Number:
		if key == "_score" || key == "max_score" {
			return "<score>"
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
	}
	return v
}

// Reasons carry parser positions and Java stream descriptions the engine cannot
// reproduce, and index UUIDs that differ anyway.
var (
	positionPrefix = regexp.MustCompile(`\[\d+:\d+\] `)
	positionSuffix = regexp.MustCompile(`( at \d+:\d+|\n at \[Source.*)$`)
	uuidInReason   = regexp.MustCompile(`/[A-Za-z0-9_-]{22}\]`)
)

func scrubReason(s string) string {
	s = positionPrefix.ReplaceAllString(s, "")
	s = positionSuffix.ReplaceAllString(s, "")
	return uuidInReason.ReplaceAllString(s, "/<uuid>]")
}

func differentialScript(index string) []exchange {
	b := index + "-b"
	bulk := func(lines ...string) string { return strings.Join(lines, "\n") + "\n" }
	return []exchange{
		{"PUT", "/" + index, esengine.JoinIndexBody},
		{"PUT", "/" + index, esengine.JoinIndexBody},
		{"HEAD", "/" + index, ""},
		{"GET", "/" + index + "/_mapping", ""},
		{"GET", "/" + index + "/_settings", ""},
		{"PUT", "/" + index + "/_doc/p1?routing=p1", `{"objectId":"p1","objectType":"plan","_org":"example.com","plan_join":"plan"}`},
		{"PUT", "/" + index + "/_doc/c1", `{"objectId":"c1","copay":3,"plan_join":{"name":"planCostShare","parent":"p1"}}`},
		{"PUT", "/" + index + "/_doc/c1?routing=p1", `{"objectId":"c1","copay":3,"foo":1,"plan_join":{"name":"planCostShare","parent":"p1"}}`},
		{"PUT", "/" + index + "/_doc/c1?routing=p1&version=5&version_type=external", `{"objectId":"c1","copay":3,"plan_join":{"name":"planCostShare","parent":"p1"}}`},
		{"PUT", "/" + index + "/_doc/c1?routing=p1&version=5&version_type=external", `{"objectId":"c1","copay":3,"plan_join":{"name":"planCostShare","parent":"p1"}}`},
		{"PUT", "/" + index + "/_doc/c1?routing=p1&version=5", `{"objectId":"c1"}`},
		{"PUT", "/" + index + "/_doc/c1?version_type=external", `{"objectId":"c1"}`},
		{"GET", "/" + index + "/_doc/c1", ""},
		{"GET", "/" + index + "/_doc/nope", ""},
		{"HEAD", "/" + index + "/_doc/c1", ""},
		{"GET", "/" + index + "-nope/_doc/nope", ""},
		{"DELETE", "/" + index + "/_doc/c1?routing=p1&version=4&version_type=external", ""},
		{"DELETE", "/" + index + "/_doc/c1?routing=p1&version=7&version_type=external", ""},
		{"PUT", "/" + index + "/_doc/c1?routing=p1&version=6&version_type=external", `{"objectId":"c1","plan_join":{"name":"planCostShare","parent":"p1"}}`},
		{"PUT", "/" + index + "/_doc/c1?routing=p1", `{"objectId":"c1","copay":7,"plan_join":{"name":"planCostShare","parent":"p1"}}`},
		{"DELETE", "/" + index + "/_doc/zz?version=3&version_type=external", ""},
		{"PUT", "/" + index + "/_doc/zz?version=2&version_type=external", `{"objectId":"zz"}`},
		{"DELETE", "/" + index + "/_doc/zz2", ""},
		{"PUT", "/" + index + "/_doc/zz2", `{"objectId":"zz2"}`},
		{"PUT", "/" + index + "/_doc/zz?op_type=create", `{"objectId":"zz"}`},
		{"PUT", "/" + index + "/_create/c1?routing=p1", `{"objectId":"c1","plan_join":{"name":"planCostShare","parent":"p1"}}`},
		{"PUT", "/" + index + "/_doc/zz4?version_type=external_gte&version=2", `{"objectId":"zz4"}`},
		{"PUT", "/" + index + "/_doc/zz4?version_type=external_gte&version=2", `{"objectId":"zz4"}`},
		{"PUT", "/" + index + "/_doc/zz4?version_type=external_gte&version=1", `{"objectId":"zz4"}`},
		{"PUT", "/" + index + "/_doc/zz4?if_seq_no=1&if_primary_term=1", `{"objectId":"zz4"}`},
		{"PUT", "/" + index + "/_doc/zz5?if_seq_no=1&if_primary_term=1", `{"objectId":"zz5"}`},
		{"PUT", "/" + index + "/_doc/zz4?foo=1", `{"objectId":"zz4"}`},
		{"PUT", "/" + index + "/_doc/zz4?refresh=maybe", `{"objectId":"zz4"}`},
		{"PUT", "/" + index + "/_doc/zz6", `{"_id":"zz4"}`},
		{"PUT", "/" + index + "/_doc/zz6", `[1]`},
		{"PUT", "/" + index + "/_doc/zz6", `{"copay":"abc"}`},
		{"PUT", "/" + index + "/_doc/zz6", `{"copay":{"a":1}}`},
		{"PUT", "/" + index + "/_doc/zz6", `{"objectId":{"a":1}}`},
		{"PUT", "/" + index + "/_doc/zz6", `{"plan_join":{"name":"nope"}}`},
		{"PUT", "/" + index + "/_doc/zz6?routing=x", `{"plan_join":{"name":"planCostShare"}}`},
		{"PUT", "/" + index + "/_doc/zz6", ``},
		{"PUT", "/" + index + "/_doc/s1?routing=p1&refresh=true", `{"objectId":"s1","name":"Yearly physical","plan_join":{"name":"linkedPlanService","parent":"p1"}}`},
		{"POST", "/" + index + "/_bulk?refresh=true", bulk(
			`{"index":{"_id":"b1"}}`, `{"objectId":"b1"}`,
			`{"index":{"_id":"c9","version":3,"version_type":"external"}}`, `{"objectId":"c9","plan_join":{"name":"planCostShare","parent":"p1"}}`,
			`{"delete":{"_id":"b2"}}`,
			`{"create":{"_id":"b1"}}`, `{"objectId":"b1"}`,
			`{"index":{"_id":"b3"}}`, `{"foo":"b1"}`,
			`{"index":{"_id":"zz","version":1,"version_type":"external"}}`, `{"objectId":"b1"}`,
			`{"update":{"_id":"b1"}}`, `{"doc":{"planType":"x"}}`,
		)},
		{"POST", "/_bulk", bulk(`{"index":{"_id":"b1"}}`, `{"objectId":"b1"}`)},
		{"POST", "/" + index + "/_bulk", bulk(`{"index":{"_id":"b1","version":2}}`, `{"objectId":"b1"}`)},
		{"POST", "/" + index + "/_bulk", bulk(`{"index":{"_id":"b1","foo":2}}`, `{"objectId":"b1"}`)},
		{"POST", "/" + index + "/_refresh", ""},
		{"POST", "/" + index + "/_count", `{"query":{"match_all":{}}}`},
		{"POST", "/" + index + "/_count", `{"size":1}`},
		{"POST", "/" + index + "/_search", `{"query":{"term":{"_id":"p1"}}}`},
		{"POST", "/" + index + "/_search", `{"sort":["_id"]}`},
		{"POST", "/" + index + "/_search", `{"sort":[{"copay":"desc"},"_id"]}`},
		{"POST", "/" + index + "/_search", `{"sort":[{"copay":"asc"},{"_id":"desc"}],"_source":false}`},
		{"POST", "/" + index + "/_search", `{"sort":[{"objectId":{"order":"desc","missing":"_first"}}],"_source":["objectId"]}`},
		{"POST", "/" + index + "/_search", `{"track_total_hits":2,"size":0}`},
		{"POST", "/" + index + "/_search", `{"track_total_hits":false,"size":1,"sort":["_id"]}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_child":{"type":"nope","query":{"match_all":{}}}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_child":{"type":"nope","ignore_unmapped":true,"query":{"match_all":{}}}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_child":{"query":{"match_all":{}}}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_child":{"type":"planCostShare"}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_child":{"type":"planCostShare","query":{"match_all":{}},"nope":1}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_parent":{"parent_type":"nope","query":{"match_all":{}}}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_parent":{"query":{"match_all":{}}}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"parent_id":{"type":"nope","id":"p1"}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"parent_id":{"type":"nope","id":"p1","ignore_unmapped":true}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"parent_id":{"id":"p1"}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"parent_id":{"id":"p1","ignore_unmapped":true}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"parent_id":{"type":"","id":"p1"}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"parent_id":{"type":null,"id":"p1"}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"parent_id":{"type":"planCostShare","id":"p1","ignore_unmapped":"x"}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"parent_id":{"type":"planCostShare","id":"p1","ignore_unmapped":"true"}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"parent_id":{"type":"planCostShare","id":"p1","ignore_unmapped":null}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_child":{"type":"planCostShare","query":{"match_all":{}},"ignore_unmapped":1.5}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_parent":{"parent_type":"plan","query":{"match_all":{}},"score":"True"}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_parent":{"parent_type":"plan","query":{"match_all":{}},"score":3}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"foo":{}}}`},
		{"POST", "/" + index + "/_search", `{"from":9995,"size":10}`},
		{"POST", "/" + index + "/_search", `{"query":{"range":{"_id":{"gte":"a"}}}}`},
		{"POST", "/" + index + "/_search", `{"sort":["name"]}`},
		{"POST", "/" + index + "/_search", `{"sort":["nofield"]}`},
		{"POST", "/" + index + "/_search", `{"query":{"term":{"copay":"abc"}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"bool":{"must":[],"foo":1}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"match_all":{}},"foo":1}`},
		{"POST", "/" + index + "/_search", `{"query":{"parent_id":{"type":"plan","id":"p1"}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_parent":{"parent_type":"plan","query":{"match_all":{}},"score":true}},"sort":["_id"]}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_child":{"type":"linkedPlanService","query":{"match":{"name":"yearly"}},"score_mode":"max"}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"bool":{"filter":{"term":{"objectId":"p1"}}}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"ids":{"values":"p1"}}}`},
		{"POST", "/" + index + "/_search", `{"sort":[{"_score":"asc"},"_id"],"size":1}`},
		{"POST", "/" + index + "/_search?size=1&sort=_id:desc&_source=objectId", ``},
		{"POST", "/" + index + "/_search?rest_total_hits_as_int=true&size=0", ``},
		{"GET", "/" + index + "/_search?foo=1", ``},
		{"PUT", "/" + b, `{"mappings":{"properties":{"a":{"type":"keyword"}}}}`},
		{"POST", "/_aliases", `{"actions":[{"add":{"index":"` + index + `","alias":"` + index + `-al"}}]}`},
		{"GET", "/_alias/" + index + "-al", ""},
		{"GET", "/" + index + "/_alias", ""},
		{"GET", "/_alias/" + index + "-nope", ""},
		{"HEAD", "/_alias/" + index + "-al", ""},
		{"HEAD", "/_alias/" + index + "-nope", ""},
		{"PUT", "/" + index + "-al", `{}`},
		{"POST", "/_aliases", `{"actions":[{"add":{"index":"` + index + `","alias":"` + b + `"}}]}`},
		{"POST", "/_aliases", `{"actions":[{"remove":{"index":"` + b + `","alias":"` + index + `-nope"}}]}`},
		{"POST", "/" + index + "-al/_search", `{"size":1,"sort":["_id"],"_source":["objectId"]}`},
		{"PUT", "/" + b + "/_alias/" + index + "-al", ""},
		{"POST", "/" + index + "-al/_search", `{"size":2,"sort":["_id"],"_source":false,"track_total_hits":false}`},
		{"PUT", "/" + index + "-al/_doc/x", `{"objectId":"x"}`},
		{"DELETE", "/" + index + "-al", ""},
		{"PUT", "/Bad", `{}`},
		{"PUT", "/_bad", `{}`},
		{"DELETE", "/_cluster/health", ""},
		{"DELETE", "/" + b, ""},
		{"GET", "/_alias/" + index + "-al", ""},
		{"POST", "/" + index + "/_search", `{"query":{"exists":{"field":"plan_join"}},"sort":["_id"],"version":true,"seq_no_primary_term":true,"_source":{"excludes":["plan_join"]}}`},
		{"POST", "/" + index + "/_search", `{"query":{"range":{"name":{"gte":"p","lte":"z"}}},"sort":["_id"]}`},
		{"POST", "/" + index + "/_search", `{"query":{"match":{"name":{"query":"yearly nope","operator":"and"}}}}`},
		{"POST", "/" + index + "/_search", `{"query":{"bool":{"must_not":{"term":{"objectId":"p1"}}}},"sort":[{"objectId":{"order":"asc"}}],"_source":false,"size":3}`},
		{"POST", "/" + index + "/_search", `{"query":{"has_child":{"type":"planCostShare","query":{"match_all":{}},"min_children":1,"max_children":1}},"_source":false}`},
		{"POST", "/" + index + "/_search", `{"query":{"parent_id":{"type":"planCostShare","id":"p1"}},"_source":false}`},
		{"POST", "/" + index + "/_search", `{"query":{"bool":{"should":[{"term":{"objectId":"s1"}},{"term":{"objectId":"p1"}}],"minimum_should_match":"50%"}},"sort":["_id"],"_source":false}`},
		{"POST", "/" + index + "/_update/b1", `{"doc":{"planType":"y"}}`},
		{"POST", "/" + index + "/_update/b1", `{"doc":{"planType":"y"}}`},
		{"POST", "/" + index + "/_update/missing", `{"doc":{"planType":"y"}}`},
		{"GET", "/" + index + "/_source/b1", ""},
		{"PUT", "/" + index + "/_mapping", `{"properties":{"extra":{"type":"keyword"}}}`},
		{"PUT", "/" + index + "/_mapping", `{"properties":{"copay":{"type":"long"}}}`},
		{"GET", "/" + index + "/_mapping", ""},
		{"PUT", "/" + index + "-auto/_doc/1?refresh=true", `{"name":"Yearly Physical","count":3,"price":1.5,"ok":true,"nested":{"inner":"x"},"tags":["a","b"]}`},
		{"GET", "/" + index + "-auto/_mapping", ""},
		{"POST", "/" + index + "-auto/_search?sort=_id", `{"query":{"exists":{"field":"nested"}}}`},
		{"DELETE", "/" + index + "-auto", ""},
		{"PUT", "/" + b, `{"aliases":{"` + index + `-al":{}},"settings":{"index.number_of_replicas":0}}`},
		{"GET", "/" + b, ""},
		{"GET", "/" + b + "/_settings", ""},
		{"DELETE", "/" + b, ""},
		{"PUT", "/" + b, `{"settings":{"auto_expand_replicas":"0-all"}}`},
		{"GET", "/" + b + "/_settings", ""},
		{"DELETE", "/" + b, ""},
		{"PUT", "/" + b, `{"settings":{"index":{"auto_expand_replicas":false}}}`},
		{"GET", "/" + b + "/_settings", ""},
		{"DELETE", "/" + b, ""},
		{"PUT", "/" + b, `{"settings":{"auto_expand_replicas":"garbage"}}`},
		{"PUT", "/" + b, `{"settings":{"auto_expand_replicas":"a-b"}}`},
		{"PUT", "/" + b, `{"settings":{"auto_expand_replicas":"0-"}}`},
		{"PUT", "/" + b, `{"settings":{"auto_expand_replicas":"0-all "}}`},
		{"PUT", "/" + b, `{"settings":{"auto_expand_replicas":"2-1"}}`},
		{"PUT", "/" + b, `{"settings":{"index.auto_expand_replicas":1}}`},
		{"PUT", "/" + b, `{"foo":{}}`},
		{"PUT", "/" + b, `{"mappings":{"properties":{"a":{"type":"nope"}}}}`},
		{"PUT", "/" + b, `{"mappings":{"properties":{"a":{"type":"keyword","nope":1}}}}`},
		{"PUT", "/" + b, `{"mappings":{"nope":1}}`},
	}
}
