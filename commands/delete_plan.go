package commands

import "github.com/planstore/planstore/aggregates/plan"

// DeletePlan deletes a plan and, through its event, every read-model object of it.
type DeletePlan struct {
	PlanID       string
	Precondition Precondition
	Meta         Metadata
}

// DeletePlanHandler handles DeletePlan.
type DeletePlanHandler = PlanHandler[DeletePlan]

// NewDeletePlanHandler refuses a nil store. Its Handle deletes the plan if it exists and
// the precondition holds.
func NewDeletePlanHandler(store EventStore) (*DeletePlanHandler, error) {
	return newPlanHandler(store, func(cmd DeletePlan) invocation {
		return onExisting(cmd.PlanID, cmd.Precondition, cmd.Meta,
			func(a *plan.Aggregate) (plan.Change, error) { return a.Delete() })
	})
}
