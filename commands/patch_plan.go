package commands

import "github.com/planstore/planstore/aggregates/plan"

// PatchPlan applies a JSON merge patch (arrays of objects merge by objectId); the
// result must validate like a create.
type PatchPlan struct {
	Target
	Patch []byte
}

func (cmd PatchPlan) invocation() invocation {
	return cmd.on(func(a *plan.Aggregate) (plan.Change, error) { return a.Patch(cmd.Patch) })
}
