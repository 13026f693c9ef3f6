package commands

import "github.com/planstore/planstore/aggregates/plan"

// DeletePlan deletes a plan and, through its event, every read-model object of it.
type DeletePlan struct {
	Target
}

func (cmd DeletePlan) invocation() invocation {
	return cmd.on(func(a *plan.Aggregate) (plan.Change, error) { return a.Delete() })
}
