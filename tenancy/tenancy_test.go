package tenancy_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/tenancy"
)

func TestKeysAreQualifiedOutsideTheDefaultOrganisation(t *testing.T) {
	long := strings.Repeat("o", 200)
	for _, tc := range []struct{ org, id, key string }{
		{"example.com", "p-1", "p-1"},
		{"a.org", "p-1", "a.org/p-1"},
		{"a/b", "p-1", "sha256-"},
		{long, "p-1", "sha256-"},
	} {
		key := tenancy.Key("example.com", tc.org, tc.id)
		if !strings.HasPrefix(key, tc.key) || !strings.HasSuffix(key, tc.id) {
			t.Errorf("Key(%q, %q) = %q, want %q...", tc.org, tc.id, key, tc.key)
		}
		if got := tenancy.Bare(key); got != tc.id {
			t.Errorf("Bare(%q) = %q, want %q", key, got, tc.id)
		}
		if got := tenancy.Prefix(key) + tc.id; got != key {
			t.Errorf("Prefix(%q) + id = %q", key, got)
		}
		if len(key) > 512 {
			t.Errorf("key of %d bytes is longer than an Elasticsearch _id may be", len(key))
		}
	}
	if tenancy.Key("example.com", "a.org", "x") == tenancy.Key("example.com", "b.org", "x") {
		t.Fatal("two organisations share a key")
	}
}

func TestAccess(t *testing.T) {
	none := tenancy.FromContext(context.Background())
	if none.Allows("example.com") || len(none.Candidates()) != 0 {
		t.Fatal("a context without an access allows something")
	}
	a := tenancy.ForOrgs("example.com", "a.org", "b.org", "a.org", "")
	if got := a.Orgs(); len(got) != 2 || got[0] != "a.org" || got[1] != "b.org" {
		t.Fatalf("orgs %v", got)
	}
	if !a.Allows("b.org") || a.Allows("c.org") || a.All() {
		t.Fatal("Allows is wrong")
	}
	if _, ok := a.Narrow("c.org"); ok {
		t.Fatal("narrowed to an organisation the caller does not hold")
	}
	op := tenancy.Operator("example.com")
	if !op.Allows("anything") || op.Candidates()[0] != "example.com" {
		t.Fatal("the operator does not see everything")
	}
}

func TestCheckPlan(t *testing.T) {
	a := tenancy.ForOrgs("example.com", "a.org")
	ok := `{"_org":"a.org","planCostShares":{"_org":"a.org"},"linkedPlanServices":[{"_org":"a.org","linkedService":{"_org":"a.org"},"planserviceCostShares":{"_org":"a.org"}}]}`
	if err := tenancy.CheckPlan(a, "", []byte(ok)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		doc, current, path string
		kind               error
	}{
		{`{"_org":"b.org"}`, "", "_org", tenancy.ErrForbiddenOrg},
		{strings.Replace(ok, `"linkedService":{"_org":"a.org"}`, `"linkedService":{"_org":"b.org"}`, 1), "", "linkedPlanServices[0].linkedService._org", tenancy.ErrOrgMismatch},
		{ok, "c.org", "_org", tenancy.ErrOrgMismatch},
	} {
		err := tenancy.CheckPlan(a, tc.current, []byte(tc.doc))
		var oe *tenancy.OrgError
		if !errors.As(err, &oe) || oe.Path != tc.path || !errors.Is(err, tc.kind) {
			t.Errorf("%s: got %v, want %v at %s", tc.doc, err, tc.kind, tc.path)
		}
	}
}

// TestCheckDecodedPlanAgreesWithCheckPlan: the typed check must refuse what the check of
// the same plan's JSON refuses, with the same path and kind, wherever the wrong _org is.
func TestCheckDecodedPlanAgreesWithCheckPlan(t *testing.T) {
	a := tenancy.ForOrgs("example.com", "example.com", "a.org")
	for _, tc := range []struct {
		name    string
		current string
		mutate  func(p *plan.Plan)
		refused bool
	}{
		{"as is", "", func(*plan.Plan) {}, false},
		{"the plan's own org is the caller's current one", "example.com", func(*plan.Plan) {}, false},
		{"another current org", "a.org", func(*plan.Plan) {}, true},
		{"a forbidden org", "", func(p *plan.Plan) { setOrg(p, "b.org") }, true},
		{"the plan's cost shares", "", func(p *plan.Plan) { p.PlanCostShares.Org = "a.org" }, true},
		{"a linked plan service", "", func(p *plan.Plan) { p.LinkedPlanServices[1].Org = "a.org" }, true},
		{"a service", "", func(p *plan.Plan) { p.LinkedPlanServices[0].LinkedService.Org = "a.org" }, true},
		{"a service's cost shares", "", func(p *plan.Plan) { p.LinkedPlanServices[1].PlanserviceCostShares.Org = "x" }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Decode(exampleplan.JSON())
			if err != nil {
				t.Fatal(err)
			}
			tc.mutate(p)
			doc, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			fromJSON := tenancy.CheckPlan(a, tc.current, doc)
			typed := tenancy.CheckDecodedPlan(a, tc.current, p)
			if fmt.Sprint(typed) != fmt.Sprint(fromJSON) || errors.Is(typed, tenancy.ErrOrgMismatch) != errors.Is(fromJSON, tenancy.ErrOrgMismatch) {
				t.Errorf("typed check: %v; check of the JSON: %v", typed, fromJSON)
			}
			if (fromJSON != nil) != tc.refused {
				t.Errorf("refused: %v, want %v", fromJSON, tc.refused)
			}
		})
	}
}

// setOrg moves every object of p to org.
func setOrg(p *plan.Plan, org string) {
	p.Org, p.PlanCostShares.Org = org, org
	for i := range p.LinkedPlanServices {
		s := &p.LinkedPlanServices[i]
		s.Org, s.LinkedService.Org, s.PlanserviceCostShares.Org = org, org, org
	}
}
