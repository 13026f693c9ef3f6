package commands

import "github.com/planstore/planstore/aggregates/plan"

// ReplacePlan replaces a whole plan (PUT).
type ReplacePlan struct {
	PlanID       string
	Plan         plan.Checked // see CreatePlan
	Precondition Precondition
	Meta         Metadata
}

// ReplacePlanHandler handles ReplacePlan.
type ReplacePlanHandler = PlanHandler[ReplacePlan]

// NewReplacePlanHandler refuses a nil store. Its Handle replaces the plan if it exists and
// the precondition holds.
func NewReplacePlanHandler(store EventStore) (*ReplacePlanHandler, error) {
	return newPlanHandler(store, func(cmd ReplacePlan) invocation {
		return onExisting(cmd.PlanID, cmd.Precondition, cmd.Meta,
			func(a *plan.Aggregate) (plan.Change, error) { return a.ReplaceChecked(cmd.Plan) })
	})
}
