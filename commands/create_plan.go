package commands

import (
	"context"

	"github.com/planstore/planstore/aggregates/plan"
)

// CreatePlan stores a new plan; its objectId becomes the plan's id.
type CreatePlan struct {
	Plan *plan.Plan
	Meta Metadata
}

// CreatePlanHandler handles CreatePlan.
type CreatePlanHandler struct{ x executor }

// NewCreatePlanHandler refuses a nil store.
func NewCreatePlanHandler(store EventStore) (*CreatePlanHandler, error) {
	x, err := newExecutor(store)
	return &CreatePlanHandler{x: x}, err
}

// Handle creates the plan, or fails with plan.ErrAlreadyExists or an objectId conflict.
func (h *CreatePlanHandler) Handle(ctx context.Context, cmd CreatePlan) (Result, error) {
	return h.x.execute(ctx, invocation{
		planID:       cmd.Plan.ObjectID,
		newOrg:       cmd.Plan.Org,
		precondition: Unconditional(),
		meta:         cmd.Meta,
		decide:       func(a *plan.Aggregate) (plan.Change, error) { return a.Create(cmd.Plan) },
	})
}
