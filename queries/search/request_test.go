package search

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Queries a user of the contract would send, Kibana console style.
var validBodies = map[string]string{
	"empty":              ``,
	"match_all":          `{"query":{"match_all":{}}}`,
	"children of a plan": `{"query":{"has_parent":{"parent_type":"plan","query":{"term":{"_id":"12xvxc345ssdsds-508"}}}}}`,
	"parent_id":          `{"query":{"parent_id":{"type":"planCostShare","id":"12xvxc345ssdsds-508"}}}`,
	"has_child copay":    `{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}}`,
	"nested has_child": `{"query":{"has_child":{"type":"linkedPlanService","score_mode":"max",
		"query":{"has_child":{"type":"planserviceCostShare","query":{"range":{"copay":{"gte":1}}}}}}}}`,
	"bool everything": `{"query":{"bool":{
		"must":[{"match":{"name":"well baby"}},{"match":{"name":{"query":"baby","operator":"and"}}}],
		"filter":{"term":{"_org":"example.com"}},
		"should":[{"terms":{"objectType":["plan","service"]}},{"ids":{"values":["a","b"]}}],
		"minimum_should_match":1,
		"must_not":[{"exists":{"field":"deleted"}}],
		"boost":1.5}},
		"from":5,"size":20,"sort":["_score",{"copay":"desc"},{"name.keyword":{"order":"asc","missing":"_last"}},"_doc"],
		"_source":{"includes":["objectId","name"]},"track_total_hits":true}`,
	"term on _id": `{"query":{"term":{"_id":{"value":"27283xvx9asdff-504","boost":2}}}}`,
	"range dates": `{"query":{"range":{"creationDate":{"gte":"01-01-2017","lt":null,"format":"dd-MM-yyyy"}}}}`,
	"window edge": `{"from":9990,"size":10}`,
	"size zero":   `{"size":0,"track_total_hits":10000}`,
	"source off":  `{"_source":false,"sort":"copay"}`,
}

func TestParseRequestAcceptsTheAllowList(t *testing.T) {
	for name, body := range validBodies {
		t.Run(name, func(t *testing.T) {
			req, err := ParseRequest([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(req.Body()) {
				t.Fatalf("invalid body %s", req.Body())
			}
		})
	}
}

func TestParseRequestDefaults(t *testing.T) {
	for _, body := range []string{"", "  \n", "{}", `{"query":{"match_all":{}}}`} {
		req, err := ParseRequest([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if req.From() != 0 || req.Size() != DefaultSize {
			t.Errorf("%q: from %d size %d", body, req.From(), req.Size())
		}
	}
	var zero Request
	if zero.Size() != DefaultSize || string(zero.Body()) != `{"from":0,"size":10}` {
		t.Errorf("zero request: size %d body %s", zero.Size(), zero.Body())
	}
}

// JSON Schema (and so the OpenAPI document) counts 20.0 and 2e1 as integers, and
// Elasticsearch reads them as such: they are accepted and re-encoded as integers, so the
// embedded engine reads them the same way (issue 22: schemathesis sent {"size": 365.0}).
func TestParseRequestReadsIntegralNumbersAsIntegers(t *testing.T) {
	req, err := ParseRequest([]byte(`{"from":2.0,"size":1e1,"track_total_hits":247.0,` +
		`"query":{"has_child":{"type":"planCostShare","query":{"match_all":{}},"min_children":1.0,"max_children":2e0}}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"query":{"has_child":{"type":"planCostShare","query":{"match_all":{}},"min_children":1,"max_children":2}},` +
		`"from":2,"size":10,"track_total_hits":247}`
	if got := string(req.Body()); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestParseRequestReEncodesInFixedOrder(t *testing.T) {
	req, err := ParseRequest([]byte(`{"track_total_hits":true,"size":3,"query":{"term":{"objectType":"plan"}},"from":1}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"query":{"term":{"objectType":"plan"}},"from":1,"size":3,"track_total_hits":true}`
	if got := string(req.Body()); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestParseRequestRefuses(t *testing.T) {
	cases := []struct {
		name, body, err string
		kind            error
	}{
		{"wildcard in bool", `{"query":{"bool":{"must":[{"match_all":{}},{"wildcard":{"name":"w*"}}]}}}`,
			`query.bool.must[1].wildcard: unsupported query "wildcard"`, ErrUnsupported},
		{"script query", `{"query":{"bool":{"filter":{"script":{"script":"true"}}}}}`,
			`query.bool.filter.script: scripts are not allowed`, ErrScript},
		{"script_score", `{"query":{"script_score":{"query":{"match_all":{}},"script":{"source":"1"}}}}`,
			`query.script_score: scripts are not allowed`, ErrScript},
		{"script sort", `{"sort":[{"_script":{"type":"number","script":"1"}}]}`,
			`sort[0]._script: scripts are not allowed`, ErrScript},
		{"script_fields", `{"script_fields":{"x":{"script":"1"}}}`, `script_fields: scripts are not allowed`, ErrScript},
		{"runtime_mappings", `{"runtime_mappings":{"x":{"type":"keyword"}}}`, `runtime_mappings: unsupported top-level key "runtime_mappings"`, ErrUnsupported},
		{"invalid UTF-8", "{\"query\":{\"term\":{\"_org\":\"\xff\xfe\"}}}", `the search body is not valid UTF-8`, ErrMalformed},
		{"lone surrogate", `{"query":{"term":{"_org":"a\ud800"}}}`, `invalid JSON: a \u escape is half of a surrogate pair (a lone surrogate is not a character)`, ErrMalformed},
		{"lone low surrogate in a key", `{"query":{"term":{"\udfff":"x"}}}`, `invalid JSON: a \u escape is half of a surrogate pair (a lone surrogate is not a character)`, ErrMalformed},
		{"index", `{"index":"secrets"}`, `index: unsupported top-level key "index"`, ErrUnsupported},
		{"aggs", `{"aggs":{"x":{"terms":{"field":"_org"}}}}`, `aggs: unsupported top-level key "aggs"`, ErrUnsupported},
		{"inner_hits", `{"query":{"has_child":{"type":"planCostShare","query":{"match_all":{}},"inner_hits":{}}}}`,
			`query.has_child.inner_hits: unsupported parameter "inner_hits"`, ErrUnsupported},
		{"terms lookup", `{"query":{"terms":{"_id":{"index":"other","id":"1","path":"ids"}}}}`,
			`query.terms._id: terms lookup is not supported; list the values`, ErrUnsupported},
		{"fuzziness", `{"query":{"match":{"name":{"query":"x","fuzziness":"AUTO"}}}}`,
			`query.match.name.fuzziness: unsupported parameter "fuzziness"`, ErrUnsupported},
		{"geo sort", `{"sort":[{"_geo_distance":{"loc":[0,0]}}]}`, `sort[0]._geo_distance: unsupported sort "_geo_distance"; sort on fields, _score or _doc`, ErrUnsupported},
		{"window", `{"from":9995,"size":10}`, `size: from + size must not exceed 10000, got 10005`, ErrLimit},
		{"too many terms", termsBody(MaxTerms + 1), fmt.Sprintf(`query.terms.objectId: at most %d values, got %d`, MaxTerms, MaxTerms+1), ErrLimit},
		{"too many clauses", boolBody(MaxBoolClauses + 1), fmt.Sprintf(`query.bool.should: a bool query may hold at most %d clauses`, MaxBoolClauses), ErrLimit},
		{"too deep", deepBody(MaxQueryDepth + 1), `: queries nest deeper than 20 levels`, ErrLimit},
		{"json too deep", strings.Repeat("[", MaxJSONDepth+1), `nested deeper than`, ErrMalformed},
		{"negative size", `{"size":-1}`, `size: must be a non-negative 32-bit integer`, ErrMalformed},
		{"string size", `{"size":"10"}`, `size: must be a non-negative integer`, ErrMalformed},
		{"fractional size", `{"size":1.5}`, `size: must be a non-negative 32-bit integer`, ErrMalformed},
		{"size beyond 32 bits", `{"size":3e9}`, `size: must be a non-negative 32-bit integer`, ErrMalformed},
		{"fractional track_total_hits", `{"track_total_hits":2.5}`, `track_total_hits: must be a non-negative 32-bit integer`, ErrMalformed},
		{"two query types", `{"query":{"match_all":{},"term":{"a":"b"}}}`, `query: a query must name exactly one query type, found 2 keys`, ErrMalformed},
		{"two fields", `{"query":{"term":{"a":"b","c":"d"}}}`, `query.term: term must name exactly one field, found 2`, ErrMalformed},
		{"missing relation", `{"query":{"has_parent":{"query":{"match_all":{}}}}}`, `query.has_parent: missing required parameter "parent_type"`, ErrMalformed},
		{"null term", `{"query":{"term":{"a":null}}}`, `query.term.a: must be a string, number or boolean`, ErrMalformed},
		{"duplicate key", `{"query":{"bool":{"must":[{"script":{}}],"must":[]}}}`, `duplicate key "must"`, ErrMalformed},
		{"trailing data", `{} {}`, `data after the end of the body`, ErrMalformed},
		{"not an object", `[]`, `the search body must be a JSON object`, ErrMalformed},
		{"not json", `{"query":`, `invalid JSON`, ErrMalformed},
		{"bad order", `{"sort":{"copay":"up"}}`, `sort.copay: must be one of asc, desc`, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseRequest([]byte(c.body))
			var iq *InvalidQueryError
			if !errors.As(err, &iq) {
				t.Fatalf("got %v, want an *InvalidQueryError", err)
			}
			if !strings.Contains(err.Error(), c.err) {
				t.Errorf("got  %q\nwant %q", err, c.err)
			}
			if !errors.Is(err, c.kind) {
				t.Errorf("kind %v, want %v", iq.Kind, c.kind)
			}
		})
	}
}

func TestParseRequestLimitsAreInclusive(t *testing.T) {
	for name, body := range map[string]string{
		"terms":   termsBody(MaxTerms),
		"clauses": boolBody(MaxBoolClauses),
		"depth":   deepBody(MaxQueryDepth),
	} {
		if _, err := ParseRequest([]byte(body)); err != nil {
			t.Errorf("%s at the limit refused: %v", name, err)
		}
	}
}

func termsBody(n int) string {
	vals := make([]string, n)
	for i := range vals {
		vals[i] = fmt.Sprintf(`"v%d"`, i)
	}
	return `{"query":{"terms":{"objectId":[` + strings.Join(vals, ",") + `]}}}`
}

func boolBody(n int) string {
	clauses := make([]string, n)
	for i := range clauses {
		clauses[i] = fmt.Sprintf(`{"term":{"objectId":"v%d"}}`, i)
	}
	return `{"query":{"bool":{"should":[` + strings.Join(clauses, ",") + `]}}}`
}

// deepBody nests bool queries so the innermost match_all sits at depth n (joins that
// deep are refused sooner, by MaxJoinDepth).
func deepBody(n int) string {
	q := `{"match_all":{}}`
	for range n - 1 {
		q = `{"bool":{"must":` + q + `}}`
	}
	return `{"query":` + q + `}`
}
