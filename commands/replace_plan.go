package commands

import (
	"context"

	"github.com/planstore/planstore/aggregates/plan"
)

// ReplacePlan replaces a whole plan (PUT).
type ReplacePlan struct {
	PlanID       string
	Plan         *plan.Plan
	Precondition Precondition
	Meta         Metadata
}

// ReplacePlanHandler handles ReplacePlan.
type ReplacePlanHandler struct{ x executor }

// NewReplacePlanHandler refuses a nil store.
func NewReplacePlanHandler(store EventStore) (*ReplacePlanHandler, error) {
	x, err := newExecutor(store)
	return &ReplacePlanHandler{x: x}, err
}

// Handle replaces the plan if it exists and the precondition holds.
func (h *ReplacePlanHandler) Handle(ctx context.Context, cmd ReplacePlan) (Result, error) {
	return h.x.execute(ctx, invocation{
		planID:       cmd.PlanID,
		precondition: cmd.Precondition,
		mustExist:    true,
		meta:         cmd.Meta,
		decide:       func(a *plan.Aggregate) (plan.Change, error) { return a.Replace(cmd.Plan) },
	})
}
