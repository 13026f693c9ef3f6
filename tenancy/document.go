package tenancy

import (
	"encoding/json"
	"fmt"
)

// orgsOfPlan is the part of a plan document tenancy reads: every object's _org.
type orgsOfPlan struct {
	Org            string   `json:"_org"`
	PlanCostShares *orgOnly `json:"planCostShares"`
	Services       []struct {
		Org        string   `json:"_org"`
		Service    *orgOnly `json:"linkedService"`
		CostShares *orgOnly `json:"planserviceCostShares"`
	} `json:"linkedPlanServices"`
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
	var p orgsOfPlan
	if err := json.Unmarshal(doc, &p); err != nil {
		return fmt.Errorf("tenancy: read the plan's organisations: %w", err)
	}
	if !a.Allows(p.Org) {
		return &OrgError{Path: "_org", Org: p.Org, Kind: ErrForbiddenOrg,
			Reason: "is not one of your organisations"}
	}
	if currentOrg != "" && p.Org != currentOrg {
		return &OrgError{Path: "_org", Org: p.Org, Kind: ErrOrgMismatch,
			Reason: fmt.Sprintf("a plan cannot move to another organisation (it belongs to %q)", currentOrg)}
	}
	check := func(path, org string) error {
		if org != p.Org {
			return &OrgError{Path: path, Org: org, Kind: ErrOrgMismatch,
				Reason: fmt.Sprintf("every object of a plan carries the plan's _org %q", p.Org)}
		}
		return nil
	}
	if p.PlanCostShares != nil {
		if err := check("planCostShares._org", p.PlanCostShares.Org); err != nil {
			return err
		}
	}
	for i, s := range p.Services {
		path := fmt.Sprintf("linkedPlanServices[%d]", i)
		if err := check(path+"._org", s.Org); err != nil {
			return err
		}
		if s.Service != nil {
			if err := check(path+".linkedService._org", s.Service.Org); err != nil {
				return err
			}
		}
		if s.CostShares != nil {
			if err := check(path+".planserviceCostShares._org", s.CostShares.Org); err != nil {
				return err
			}
		}
	}
	return nil
}
