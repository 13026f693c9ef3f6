package commands

import (
	"context"

	"github.com/planstore/planstore/aggregates/plan"
)

// DeletePlan deletes a plan and, through its event, every read-model object of it.
type DeletePlan struct {
	PlanID       string
	Precondition Precondition
	Meta         Metadata
}

// DeletePlanHandler handles DeletePlan.
type DeletePlanHandler struct{ x executor }

// NewDeletePlanHandler refuses a nil store.
func NewDeletePlanHandler(store EventStore) (*DeletePlanHandler, error) {
	x, err := newExecutor(store)
	return &DeletePlanHandler{x: x}, err
}

// Handle deletes the plan if it exists and the precondition holds.
func (h *DeletePlanHandler) Handle(ctx context.Context, cmd DeletePlan) (Result, error) {
	return h.x.execute(ctx, invocation{
		planID:       cmd.PlanID,
		precondition: cmd.Precondition,
		mustExist:    true,
		meta:         cmd.Meta,
		decide:       func(a *plan.Aggregate) (plan.Change, error) { return a.Delete() },
	})
}
