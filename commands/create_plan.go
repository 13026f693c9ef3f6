package commands

import "github.com/planstore/planstore/aggregates/plan"

// CreatePlan stores a new plan; its objectId becomes the plan's id.
type CreatePlan struct {
	Plan *plan.Plan
	Meta Metadata
}

// CreatePlanHandler handles CreatePlan.
type CreatePlanHandler = PlanHandler[CreatePlan]

// NewCreatePlanHandler refuses a nil store. Its Handle creates the plan, or fails with
// plan.ErrAlreadyExists or an objectId conflict.
func NewCreatePlanHandler(store EventStore) (*CreatePlanHandler, error) {
	return newPlanHandler(store, func(cmd CreatePlan) invocation {
		return invocation{
			planID:       cmd.Plan.ObjectID,
			newOrg:       cmd.Plan.Org,
			precondition: Unconditional(),
			assumeNew:    true,
			meta:         cmd.Meta,
			decide:       func(a *plan.Aggregate) (plan.Change, error) { return a.Create(cmd.Plan) },
		}
	})
}
