package commands_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/commands"
)

// Issue 22: 20 PATCHes without If-Match on one plan, all at once. The README promises
// that such writes re-decide and apply; each one must succeed, and each must be in the
// history exactly once.
func TestUnconditionalPatchesAllApplyUnderContention(t *testing.T) {
	eachStore(t, concurrentPatches)
}

func concurrentPatches(t *testing.T, store commands.EventStore) {
	ctx, h := planHandlers(t, store)
	doc := examplePlan(t)
	if _, err := h.Create.Handle(ctx, commands.CreatePlan{Plan: doc}); err != nil {
		t.Fatal(err)
	}
	const writers = 20
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			_, errs[i] = h.Patch.Handle(ctx, commands.PatchPlan{
				Target: commands.Target{PlanID: doc.ObjectID(), Precondition: commands.Unconditional()},
				Patch:  fmt.Appendf(nil, `{"planType":"writer-%d"}`, i),
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	checkHistoryLength(t, store, doc.ObjectID(), writers+1) // one create and the patches
}

// examplePlan is the contract's example plan.
func examplePlan(t *testing.T) plan.Checked {
	t.Helper()
	doc, err := plan.DecodeChecked(exampleplan.JSON())
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
