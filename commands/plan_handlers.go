package commands

import "cmp"

// PlanHandlers are the handlers of the four commands on an existing or new plan, on one
// store: what the API layers serve, built in one place.
type PlanHandlers struct {
	Create  *CreatePlanHandler
	Replace *PlanHandler[ReplacePlan]
	Patch   *PlanHandler[PatchPlan]
	Delete  *PlanHandler[DeletePlan]
}

// NewPlanHandlers refuses a nil store (each handler checks it alike, so the first
// refusal says it all).
func NewPlanHandlers(store EventStore) (*PlanHandlers, error) {
	create, err1 := NewCreatePlanHandler(store)
	replace, err2 := newPlanHandler[ReplacePlan](store)
	patch, err3 := newPlanHandler[PatchPlan](store)
	del, err4 := newPlanHandler[DeletePlan](store)
	if err := cmp.Or(err1, err2, err3, err4); err != nil {
		return nil, err
	}
	return &PlanHandlers{Create: create, Replace: replace, Patch: patch, Delete: del}, nil
}
