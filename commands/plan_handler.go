package commands

import "context"

// planCommand is a command on one plan: it says which plan it is about and which
// aggregate behaviour it runs; the executor does the rest, the same for every command.
type planCommand interface {
	invocation() invocation
}

// PlanHandler handles one kind of plan command.
type PlanHandler[C planCommand] struct {
	x executor
}

// newPlanHandler refuses a nil store.
func newPlanHandler[C planCommand](store EventStore) (*PlanHandler[C], error) {
	x, err := newExecutor(store)
	return &PlanHandler[C]{x: x}, err
}

// Handle runs the command.
func (h *PlanHandler[C]) Handle(ctx context.Context, cmd C) (Result, error) {
	return h.x.execute(ctx, cmd.invocation())
}
