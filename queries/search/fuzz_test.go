package search

import (
	"encoding/json"
	"errors"
	"reflect"
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

// FuzzScanTreeMatchesDecoder: whatever the jsonscan path takes, encoding/json reads to
// the same tree; whatever it leaves, decodeTree still answers (through the decoder).
func FuzzScanTreeMatchesDecoder(f *testing.F) {
	for _, body := range validBodies {
		f.Add([]byte(body))
	}
	for _, body := range []string{
		`{"a":1,"a":2}`, `{"a":"\u00e9"}`, `[1, 2.5e3, -0, true, false, null, "x", {}, []]`,
		`{"query" : { "match_all" : { } } }`, `{"a":[`, `{"a":01}`, "{\"a\":\"\xff\"}",
		`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"ka":10,"kb":11,"kc":12,"kd":13,"ke":14,"kf":15,"kg":16}`,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, ok := scanTree(body)
		if !ok {
			return
		}
		slow, err := decodeTreeSlow(body)
		if err != nil {
			t.Fatalf("scanTree took %q, encoding/json refuses it: %v", body, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q: scanTree read %#v, encoding/json %#v", body, fast, slow)
		}
	})
}
