package commands

import "github.com/planstore/planstore/aggregates/plan"

// PatchPlan applies a JSON merge patch (arrays of objects merge by objectId).
type PatchPlan struct {
	PlanID       string
	Patch        []byte
	Precondition Precondition
	Meta         Metadata
}

// PatchPlanHandler handles PatchPlan.
type PatchPlanHandler = PlanHandler[PatchPlan]

// NewPatchPlanHandler refuses a nil store. Its Handle patches the plan; the result must
// validate like a create.
func NewPatchPlanHandler(store EventStore) (*PatchPlanHandler, error) {
	return newPlanHandler(store, func(cmd PatchPlan) invocation {
		return onExisting(cmd.PlanID, cmd.Precondition, cmd.Meta,
			func(a *plan.Aggregate) (plan.Change, error) { return a.Patch(cmd.Patch) })
	})
}
