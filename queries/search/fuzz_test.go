package search

import (
	"encoding/json"
	"errors"
	"testing"
)

func FuzzParseRequest(f *testing.F) {
	for _, body := range validBodies {
		f.Add([]byte(body))
	}
	for _, body := range []string{
		`{"query":{"bool":{"must":[{"match_all":{}},{"wildcard":{"name":"w*"}}]}}}`,
		`{"query":{"script":{"script":"true"}}}`,
		`{"query":{"has_child":{"type":"a","query":{"has_parent":{"parent_type":"b","query":{"bool":{"should":{"ids":{"values":[1]}}}}}}}}}`,
		`{"sort":[{"a":{"order":"desc","mode":"avg"}}],"_source":["a*"],"from":0}`,
		`{"query":{"terms":{"a":[1,"b",true],"boost":1}}}`,
		`{"query":{"range":{"a":{"gt":1e309}}}}`,
		`{"a":"\ud800"}`,
		`{"query":{"term":{"_org":"\udc00\ud800"}}}`,
		`{"query":{"term":{"_org":"\ud83d\ude00"}}}`,
		`{"query":{"term":{"_org":"\\ud800"}}}`,
		"{\"query\":{\"term\":{\"_org\":\"\xff\"}}}",
		stallingQuery(20, 2),
		stallingQuery(1, MaxJoinDepth+1),
		`{"query":{"bool":{"should":[{"terms":{"a":[1,2]}},{"ids":{"values":["x"]}}]}},"timeout":"5s"}`,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := ParseRequest(body)
		if err != nil {
			var iq *InvalidQueryError
			if !errors.As(err, &iq) {
				t.Fatalf("error %v is not an *InvalidQueryError", err)
			}
			return
		}
		out := req.Body()
		if !json.Valid(out) {
			t.Fatalf("accepted %q but produced invalid JSON %q", body, out)
		}
		if req.From()+req.Size() > MaxResultWindow {
			t.Fatalf("window %d+%d accepted", req.From(), req.Size())
		}
		// What runs must itself be acceptable, and unchanged by a second pass.
		again, err := ParseRequest(out)
		if err != nil {
			t.Fatalf("re-encoded body %s refused: %v", out, err)
		}
		if string(again.Body()) != string(out) {
			t.Fatalf("not stable:\n%s\n%s", out, again.Body())
		}
	})
}
