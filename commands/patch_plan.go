package commands

import (
	"context"

	"github.com/planstore/planstore/aggregates/plan"
)

// PatchPlan applies a JSON merge patch (arrays of objects merge by objectId).
type PatchPlan struct {
	PlanID       string
	Patch        []byte
	Precondition Precondition
	Meta         Metadata
}

// PatchPlanHandler handles PatchPlan.
type PatchPlanHandler struct{ x executor }

// NewPatchPlanHandler refuses a nil store.
func NewPatchPlanHandler(store EventStore) (*PatchPlanHandler, error) {
	x, err := newExecutor(store)
	return &PatchPlanHandler{x: x}, err
}

// Handle patches the plan; the result must validate like a create.
func (h *PatchPlanHandler) Handle(ctx context.Context, cmd PatchPlan) (Result, error) {
	return h.x.execute(ctx, invocation{
		planID:       cmd.PlanID,
		precondition: cmd.Precondition,
		mustExist:    true,
		meta:         cmd.Meta,
		decide:       func(a *plan.Aggregate) (plan.Change, error) { return a.Patch(cmd.Patch) },
	})
}
