package search

import (
	"testing"

	"github.com/planstore/planstore/tenancy"
)

func TestConfinedQueries(t *testing.T) {
	one := tenancy.ForOrgs("example.com", "a.org")
	two := tenancy.ForOrgs("example.com", "a.org", "example.com")
	wrap := func(q, orgs string) string {
		return `{"bool":{"must":[` + q + `],"filter":[{"terms":{"_org":[` + orgs + `]}}]}}`
	}
	for _, tc := range []struct {
		name   string
		access tenancy.Access
		query  string
		want   string
	}{
		{"no query", one, `{}`, wrap(`{"match_all":{}}`, `"a.org"`)},
		{"term on _id", one, `{"query":{"term":{"_id":"x"}}}`, wrap(`{"term":{"_id":"a.org/x"}}`, `"a.org"`)},
		{"term on _id, two orgs", two, `{"query":{"term":{"_id":{"value":"x","boost":2}}}}`,
			wrap(`{"bool":{"should":[{"term":{"_id":{"value":"a.org/x","boost":2}}},{"term":{"_id":{"value":"x","boost":2}}}]}}`, `"a.org","example.com"`)},
		{"ids", two, `{"query":{"ids":{"values":["x","y"]}}}`,
			wrap(`{"ids":{"values":["a.org/x","x","a.org/y","y"]}}`, `"a.org","example.com"`)},
		{"has_child is confined too", one, `{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}}`,
			wrap(`{"has_child":{"type":"planCostShare","query":`+wrap(`{"range":{"copay":{"gte":1}}}`, `"a.org"`)+`}}`, `"a.org"`)},
		{"parent_id", one, `{"query":{"parent_id":{"type":"planCostShare","id":"p"}}}`,
			wrap(`{"parent_id":{"type":"planCostShare","id":"a.org/p"}}`, `"a.org"`)},
		{"bool clauses", one, `{"query":{"bool":{"filter":[{"has_parent":{"parent_type":"plan","query":{"term":{"_id":"p"}}}}]}}}`,
			wrap(`{"bool":{"filter":[{"has_parent":{"parent_type":"plan","query":`+wrap(`{"term":{"_id":"a.org/p"}}`, `"a.org"`)+`}}]}}`, `"a.org"`)},
		{"nobody", tenancy.Access{}, `{}`, `{"bool":{"must_not":[{"match_all":{}}]}}`},
	} {
		req, err := ParseRequest([]byte(tc.query))
		if err != nil {
			t.Fatal(err)
		}
		got, err := req.Confined(tc.access)
		if err != nil {
			t.Fatal(err)
		}
		tree, _ := decodeTree(got.Body())
		q, _ := tree.(object).get("query")
		if s := string(appendTree(nil, q)); s != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, s, tc.want)
		}
	}
}

func TestHitsAnswerBareIDs(t *testing.T) {
	in := `{"took":1,"hits":{"total":{"value":1,"relation":"eq"},"hits":[{"_id":"a.org/x","_routing":"a.org/p","_source":{"copay":1.50,"plan_join":{"name":"planCostShare","parent":"a.org/p"}}}]}}`
	out, err := bareIDs([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"hits":{"hits":[{"_id":"x","_routing":"p","_source":{"copay":1.50,"plan_join":{"name":"planCostShare","parent":"p"}}}],"total":{"value":1,"relation":"eq"}},"took":1}`
	if string(out) != want {
		t.Fatalf("got %s", out)
	}
}
