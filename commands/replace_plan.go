package commands

import "github.com/planstore/planstore/aggregates/plan"

// ReplacePlan replaces a whole plan (PUT).
type ReplacePlan struct {
	Target
	Plan plan.Checked // see CreatePlan
}

func (cmd ReplacePlan) invocation() invocation {
	return cmd.on(func(a *plan.Aggregate) (plan.Change, error) { return a.ReplaceChecked(cmd.Plan) })
}
