package commands

import (
	"bytes"
	"context"
	"errors"

	"github.com/planstore/planstore/aggregates/plan"
)

// ErrUnchanged: an upsert whose document equals the stored plan; nothing was written.
var ErrUnchanged = errors.New("plan unchanged")

// UpsertPlan creates the plan, or replaces it when it exists (bulk import's
// mode=upsert). A document equal to the stored one writes nothing and answers
// ErrUnchanged, so re-importing the same file adds no events.
type UpsertPlan struct {
	Plan plan.Checked // see CreatePlan
	Meta Metadata
}

// UpsertResult says what the upsert did.
type UpsertResult struct {
	Result
	Created bool // false: replaced
}

// UpsertPlanHandler handles UpsertPlan.
type UpsertPlanHandler struct{ x executor }

// NewUpsertPlanHandler refuses a nil store.
func NewUpsertPlanHandler(store EventStore) (*UpsertPlanHandler, error) {
	x, err := newExecutor(store)
	return &UpsertPlanHandler{x: x}, err
}

// Handle creates or replaces the plan. It decides on the current state at every
// attempt, so a plan created meanwhile by another writer is replaced, not refused.
func (h *UpsertPlanHandler) Handle(ctx context.Context, cmd UpsertPlan) (UpsertResult, error) {
	var created bool
	res, err := h.x.execute(ctx, invocation{
		planID:       cmd.Plan.ObjectID(),
		newOrg:       cmd.Plan.Org(),
		precondition: Unconditional(),
		meta:         cmd.Meta,
		decide: func(a *plan.Aggregate) (plan.Change, error) {
			created = !a.Exists()
			if created {
				return a.CreateChecked(cmd.Plan)
			}
			c, err := a.ReplaceChecked(cmd.Plan)
			if err == nil && bytes.Equal(c.Before, c.After) {
				return plan.Change{}, ErrUnchanged
			}
			return c, err
		},
	})
	return UpsertResult{Result: res, Created: created}, err
}
