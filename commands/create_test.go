package commands_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/commands"
)

// A create decides on a new plan without loading it first (commands' assumeNew); the
// store's version check must still refuse a second create, concurrent creates of one id
// must leave exactly one winner, and a deleted plan must still be created again.
func TestCreateWithoutLoadingStillRefusesAnExistingPlan(t *testing.T) {
	eachStore(t, func(t *testing.T, store commands.EventStore) {
		ctx, h := planHandlers(t, store)
		doc := examplePlan(t)

		const creators = 8
		var wg sync.WaitGroup
		errs := make([]error, creators)
		for i := range creators {
			wg.Go(func() { _, errs[i] = h.Create.Handle(ctx, commands.CreatePlan{Plan: doc}) })
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, plan.ErrAlreadyExists):
				t.Errorf("creator %d: %v, want nil or ErrAlreadyExists", i, err)
			}
		}
		if won != 1 {
			t.Fatalf("%d creates of one plan succeeded, want 1", won)
		}
		if _, err := h.Create.Handle(ctx, commands.CreatePlan{Plan: doc}); !errors.Is(err, plan.ErrAlreadyExists) {
			t.Fatalf("create of an existing plan: %v, want ErrAlreadyExists", err)
		}

		if _, err := h.Delete.Handle(ctx, commands.DeletePlan{Target: commands.Target{PlanID: doc.ObjectID(), Precondition: commands.Unconditional()}}); err != nil {
			t.Fatal(err)
		}
		again, err := h.Create.Handle(ctx, commands.CreatePlan{Plan: doc})
		if err != nil {
			t.Fatalf("create after delete: %v", err)
		}
		if again.Version != 3 {
			t.Errorf("create after delete is version %d, want 3 (create, delete, create)", again.Version)
		}
		checkHistoryLength(t, store, doc.ObjectID(), 3)
	})
}
