package esengine

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
)

// fastTestMappings are the mappings the fast document walk is checked against: the read
// model's, and one with every field type and option the walk has to agree on.
var fastTestMappings = []string{
	joinIndexBody,
	`{"mappings":{"dynamic":"false","properties":{
		"k":{"type":"keyword","ignore_above":3},
		"kn":{"type":"keyword","null_value":"NULL"},
		"t":{"type":"text","fields":{"raw":{"type":"keyword"},"n":{"type":"long"}}},
		"b":{"type":"boolean"},
		"l":{"type":"long"},"i":{"type":"integer"},"s":{"type":"short"},"y":{"type":"byte"},
		"d":{"type":"double"},"f":{"type":"float"},"h":{"type":"half_float"},
		"o":{"properties":{"k":{"type":"keyword"},"in":{"type":"object","dynamic":"strict","properties":{"n":{"type":"double"}}}}},
		"j":{"type":"join","relations":{"a":["b","c"]}}}}}`,
}

func fastTestMapping(t testing.TB, body string) *mapping.Mapping {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatal(err)
	}
	m, err := mapping.ParseMappings(raw["mappings"])
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkFastAgrees fails when the fast walk accepts a source the slow path refuses, or
// indexes it differently.
func checkFastAgrees(t *testing.T, m *mapping.Mapping, source string, routing *string) (fast bool) {
	t.Helper()
	fd, ok := index.ParseDocumentFast(m, nil, "id1", routing, []byte(source))
	sd, pending, err := index.ParseDocumentSlow(m, nil, "id1", routing, []byte(source))
	if !ok {
		return false
	}
	if err != nil {
		t.Fatalf("%s: fast path accepted what the slow path refuses: %v", source, err)
	}
	if len(pending) > 0 {
		t.Fatalf("%s: fast path accepted a document that changes the mapping", source)
	}
	if got, want := describeDoc(fd), describeDoc(sd); got != want {
		t.Fatalf("%s: fast path indexed\n%s\nslow path\n%s", source, got, want)
	}
	return true
}

// describeDoc renders what a document puts into the indexes, order aside.
func describeDoc(d *index.StoredDoc) string {
	terms := d.Terms()
	slices.SortFunc(terms, func(a, b index.IndexedTerm) int {
		return cmp.Or(cmp.Compare(a.Field, b.Field), cmp.Compare(a.Value, b.Value))
	})
	numbers := d.Numbers()
	slices.SortFunc(numbers, func(a, b index.IndexedNumber) int {
		return cmp.Or(cmp.Compare(a.Field, b.Field), cmp.Compare(a.Value, b.Value))
	})
	tokens := d.Tokens()
	slices.SortFunc(tokens, func(a, b index.IndexedToken) int {
		return cmp.Or(cmp.Compare(a.Field, b.Field), cmp.Compare(a.Token, b.Token))
	})
	lengths := d.Lengths()
	slices.SortFunc(lengths, func(a, b index.FieldLength) int { return cmp.Compare(a.Field, b.Field) })
	var fields []string
	d.EachField(func(f string) { fields = append(fields, f) })
	slices.Sort(fields)
	join := "none"
	if d.Join != nil {
		join = "join" // the relation itself is a term
		if d.Join.Parent != nil {
			join += " of " + d.Join.Parent.Id
		}
	}
	return fmt.Sprintf("id=%s source=%s\nterms=%v\nnumbers=%v\ntokens=%v\nlengths=%v\nfields=%v\njoin=%s",
		d.Id, (*index.Store)(nil).Source(d), terms, numbers, tokens, lengths, fields, join)
}

var fastTestSources = []string{
	`{"objectId":"p1","objectType":"plan","_org":"example.com","planType":"inNetwork","creationDate":"12-12-2017","plan_join":"plan"}`,
	`{"_org":"example.com","copay":23,"deductible":2000,"objectId":"c1","objectType":"membercostshare","plan_join":{"name":"planCostShare","parent":"p1"}}`,
	`{"name":"Yearly Physical physical","objectId":"s1","plan_join":{"parent":"ps1","name":"linkedService"}}`,
	` { "objectId" : "p1",
	  "plan_join" : "plan" } `,
	`{"objectId":"caf\u00e9 \"x\"","name":"Caf\u00e9 ol\u00e9","plan_join":"plan"}`,
	`{"objectId":"\xff\xfe","plan_join":"plan"}`,
	`{"copay":"12.5","deductible":" 7 ","plan_join":{"name":"planCostShare","parent":7}}`,
	`{"copay":1e400}`, `{"copay":true}`, `{"copay":[1,[2,null],3]}`, `{"copay":{}}`,
	`{"objectId":["a","b","a"],"name":["x y","y"]}`,
	`{"objectId":"a","objectId":"b"}`, `{"_id":"x"}`, `{"a.b":1}`, `{"unknown":1}`, `{"":1}`,
	`{"plan_join":{"name":"plan","name":"plan"}}`, `{"plan_join":["plan","plan"]}`,
	`{"plan_join":{"name":"planCostShare"}}`, `{"plan_join":{"name":null}}`, `{"plan_join":{"parent":"x"}}`,
	`{"plan_join":{"name":"nope"}}`, `{"plan_join":1}`, `{"plan_join":{"name":"plan","other":1}}`,
	`{"k":"abc","kn":null,"t":"Hello World 12","b":"true","l":"12.9","i":2147483648,"s":-32768,"y":127.9}`,
	`{"k":"abcd","kn":"x","t":5,"b":"","d":-0.0,"f":1.1,"h":65504}`,
	`{"b":1}`, `{"b":"yes"}`, `{"l":9.3e18}`, `{"y":128}`, `{"o":{"k":["x","y"],"in":{"n":1}}}`,
	`{"o":[{"k":"x"},{"in":[{"n":2},{"n":3}]}]}`, `{"o":{"in":{"m":1}}}`, `{"o":"x"}`, `{"unmapped":{"x":1}}`,
	`{"j":{"name":"b","parent":"a1"}}`, `{"j":"a"}`, `{"t":{"x":1}}`, `{"t":null}`, `{"k":[]}`,
	`[]`, `"x"`, `{"k":"x"} x`, `{"k":"x",}`, `{"k":01}`, `{"k":-}`, `{"k":1.}`, `{"k":"\u12"}`, "{\"k\":\"a\tb\"}",
	`{"k":tru}`, `{"k":"x"`, `{}`, `{"k":"x"}}`,
}

func TestFastDocumentAgreesWithSlow(t *testing.T) {
	routing := "p1"
	fast := 0
	for _, body := range fastTestMappings {
		m := fastTestMapping(t, body)
		for _, src := range fastTestSources {
			for _, r := range []*string{nil, &routing} {
				if checkFastAgrees(t, m, src, r) {
					fast++
				}
			}
		}
	}
	// The read model's documents must take the fast path, or it is not worth having.
	m := fastTestMapping(t, joinIndexBody)
	for _, src := range fastTestSources[:4] {
		if !checkFastAgrees(t, m, src, &routing) {
			t.Errorf("%s: took the slow path", src)
		}
	}
	if fast < 20 {
		t.Errorf("only %d sources took the fast path", fast)
	}
}

// FuzzFastDocument checks the fast document walk against the encoding/json path on
// arbitrary sources.
func FuzzFastDocument(f *testing.F) {
	for _, src := range fastTestSources {
		f.Add(src, true)
	}
	mappings := make([]*mapping.Mapping, len(fastTestMappings))
	for i, body := range fastTestMappings {
		mappings[i] = fastTestMapping(f, body)
	}
	routing := "r"
	f.Fuzz(func(t *testing.T, source string, routed bool) {
		var r *string
		if routed {
			r = &routing
		}
		for _, m := range mappings {
			checkFastAgrees(t, m, source, r)
		}
	})
}
