package tenancy

import (
	"encoding/json"
	"fmt"

	segjson "github.com/segmentio/encoding/json"

	"github.com/planstore/planstore/aggregates/plan"
)

// orgsOfPlan is the part of a plan document tenancy reads: every object's _org.
type orgsOfPlan struct {
	Org            string        `json:"_org"`
	PlanCostShares *orgOnly      `json:"planCostShares"`
	Services       []serviceOrgs `json:"linkedPlanServices"`
}

type serviceOrgs struct {
	Org        string   `json:"_org"`
	Service    *orgOnly `json:"linkedService"`
	CostShares *orgOnly `json:"planserviceCostShares"`
}

type orgOnly struct {
	Org string `json:"_org"`
}

// OrgOf returns the _org of a plan document, exactly as encoding/json reads it (see
// scanOrg for the fast path every plan read takes).
func OrgOf(doc []byte) (string, error) {
	if org, ok := scanOrg(doc); ok {
		return org, nil
	}
	var p struct {
		Org string `json:"_org"`
	}
	if err := json.Unmarshal(doc, &p); err != nil {
		return "", fmt.Errorf("tenancy: read _org: %w", err)
	}
	return p.Org, nil
}

// CheckPlan checks a plan state a caller wants to store: its _org must be one of the
// caller's (ErrForbiddenOrg), must be currentOrg when the plan already exists (a plan
// does not move between namespaces) and every object of the plan must carry the
// plan's _org (both ErrOrgMismatch), so a search confined to an organisation can
// never match another organisation's object, a child included.
func CheckPlan(a Access, currentOrg string, doc []byte) error {
	p, err := readOrgs(doc)
	if err != nil {
		return err
	}
	return p.check(a, currentOrg)
}

// CheckDecodedPlan is CheckPlan for a plan the caller has decoded already (a create's
// or a replace's): reading its organisations again from its JSON was ~2 % of a create.
func CheckDecodedPlan(a Access, currentOrg string, doc *plan.Plan) error {
	p := orgsOfPlan{Org: doc.Org, PlanCostShares: &orgOnly{Org: doc.PlanCostShares.Org}}
	p.Services = make([]serviceOrgs, len(doc.LinkedPlanServices))
	for i, s := range doc.LinkedPlanServices {
		p.Services[i] = serviceOrgs{
			Org:        s.Org,
			Service:    &orgOnly{Org: s.LinkedService.Org},
			CostShares: &orgOnly{Org: s.PlanserviceCostShares.Org},
		}
	}
	return p.check(a, currentOrg)
}

func (p orgsOfPlan) check(a Access, currentOrg string) error {
	if !a.Allows(p.Org) {
		return &OrgError{Path: "_org", Org: p.Org, Kind: ErrForbiddenOrg,
			Reason: "is not one of your organisations"}
	}
	if currentOrg != "" && p.Org != currentOrg {
		return &OrgError{Path: "_org", Org: p.Org, Kind: ErrOrgMismatch,
			Reason: fmt.Sprintf("a plan cannot move to another organisation (it belongs to %q)", currentOrg)}
	}
	mismatch := func(path, org string) error {
		return &OrgError{Path: path, Org: org, Kind: ErrOrgMismatch,
			Reason: fmt.Sprintf("every object of a plan carries the plan's _org %q", p.Org)}
	}
	if p.PlanCostShares != nil && p.PlanCostShares.Org != p.Org {
		return mismatch("planCostShares._org", p.PlanCostShares.Org)
	}
	// A service's paths are only written for a mismatch: every plan a create writes
	// is checked here.
	for i, s := range p.Services {
		switch {
		case s.Org != p.Org:
			return mismatch(servicePath(i, "_org"), s.Org)
		case s.Service != nil && s.Service.Org != p.Org:
			return mismatch(servicePath(i, "linkedService._org"), s.Service.Org)
		case s.CostShares != nil && s.CostShares.Org != p.Org:
			return mismatch(servicePath(i, "planserviceCostShares._org"), s.CostShares.Org)
		}
	}
	return nil
}

func servicePath(i int, member string) string {
	return fmt.Sprintf("linkedPlanServices[%d].%s", i, member)
}

// readOrgs reads the organisations of a plan document as encoding/json reads them.
// segmentio/encoding reads a plan several times faster; it decodes to the same values
// whatever encoding/json accepts (FuzzReadOrgsMatchesEncodingJSON), and what it refuses
// is read again by encoding/json, whose answer, an error or not, is taken.
func readOrgs(doc []byte) (orgsOfPlan, error) {
	var p orgsOfPlan
	if err := segjson.Unmarshal(doc, &p); err == nil {
		return p, nil
	}
	p = orgsOfPlan{}
	if err := json.Unmarshal(doc, &p); err != nil {
		return orgsOfPlan{}, fmt.Errorf("tenancy: read the plan's organisations: %w", err)
	}
	return p, nil
}
