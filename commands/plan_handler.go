package commands

import "context"

// PlanHandler handles one kind of plan command: invoke says which plan the command is
// about and which aggregate behaviour it runs; the executor does the rest, the same for
// every command.
type PlanHandler[C any] struct {
	x      executor
	invoke func(C) invocation
}

// newPlanHandler refuses a nil store.
func newPlanHandler[C any](store EventStore, invoke func(C) invocation) (*PlanHandler[C], error) {
	x, err := newExecutor(store)
	return &PlanHandler[C]{x: x, invoke: invoke}, err
}

// Handle runs the command.
func (h *PlanHandler[C]) Handle(ctx context.Context, cmd C) (Result, error) {
	return h.x.execute(ctx, h.invoke(cmd))
}

// onExisting is the invocation of a command on a plan that must exist (replace, patch,
// delete).
func onExisting(planID string, pre Precondition, meta Metadata, decide decision) invocation {
	return invocation{planID: planID, precondition: pre, mustExist: true, meta: meta, decide: decide}
}
