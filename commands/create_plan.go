package commands

import "github.com/planstore/planstore/aggregates/plan"

// CreatePlan stores a new plan; its objectId becomes the plan's id. It fails with
// plan.ErrAlreadyExists or an objectId conflict. The plan was checked where it was read
// (plan.DecodeChecked, or plan.Check for one built in Go).
type CreatePlan struct {
	Plan plan.Checked
	Meta Metadata
}

func (cmd CreatePlan) invocation() invocation {
	return invocation{
		planID:       cmd.Plan.ObjectID(),
		newOrg:       cmd.Plan.Org(),
		precondition: Unconditional(),
		assumeNew:    true,
		meta:         cmd.Meta,
		decide:       func(a *plan.Aggregate) (plan.Change, error) { return a.CreateChecked(cmd.Plan) },
	}
}

// CreatePlanHandler handles CreatePlan.
type CreatePlanHandler = PlanHandler[CreatePlan]

// NewCreatePlanHandler refuses a nil store.
func NewCreatePlanHandler(store EventStore) (*CreatePlanHandler, error) {
	return newPlanHandler[CreatePlan](store)
}
