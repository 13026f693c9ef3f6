package plan

import (
	"encoding/json"
	"fmt"
)

// MarshalJSON writes the canonical encoding: compact, fields in struct order, numbers in
// their shortest round-trip form, and linkedPlanServices always an array (never null),
// so equal plans always produce equal bytes and snapshots, events and ETags are stable.
//
// It has a value receiver so that a Plan inside another value encodes the same way as a
// *Plan does.
func (p Plan) MarshalJSON() ([]byte, error) {
	// canonicalPlan has Plan's fields but not its methods, which stops the recursion.
	type canonicalPlan Plan
	c := canonicalPlan(p)
	if c.LinkedPlanServices == nil {
		c.LinkedPlanServices = []PlanService{}
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("plan: encode %q: %w", p.ObjectID, err)
	}
	return b, nil
}

// canonicalJSON is MarshalJSON for a plan that may be absent: nil stays nil, which is
// what Change.Before and Change.After mean by "no plan".
func canonicalJSON(p *Plan) (json.RawMessage, error) {
	if p == nil {
		return nil, nil
	}
	return p.MarshalJSON()
}
