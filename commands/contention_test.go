package commands_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/testenv"
)

// redisTestDB is this package's database on the test Redis.
const redisTestDB = 9

// Issue 22: 20 PATCHes without If-Match on one plan, all at once. The README promises
// that such writes re-decide and apply; each one must succeed, and each must be in the
// history exactly once.
func TestUnconditionalPatchesAllApplyUnderContention(t *testing.T) {
	eachStore(t, concurrentPatches)
}

// eachStore runs test on the embedded store and on Redis.
func eachStore(t *testing.T, test func(t *testing.T, store commands.EventStore)) {
	for name, open := range map[string]func(t *testing.T) commands.EventStore{
		"embedded": func(t *testing.T) commands.EventStore { return testenv.BoltStore(t) },
		"redis": func(t *testing.T) commands.EventStore {
			store, err := redisstore.New(context.Background(), testenv.Redis(t, redisTestDB), testenv.PlanCodec(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = store.Close() })
			return store
		},
	} {
		t.Run(name, func(t *testing.T) { test(t, open(t)) })
	}
}

type fullStore interface {
	commands.EventStore
	Events(ctx context.Context, aggregateID string) ([]events.Envelope, error)
}

func concurrentPatches(t *testing.T, store commands.EventStore) {
	ctx := tenancy.WithAccess(context.Background(), tenancy.ForOrgs("example.com", "example.com"))
	create, err := commands.NewCreatePlanHandler(store)
	if err != nil {
		t.Fatal(err)
	}
	patch, err := commands.NewPatchPlanHandler(store)
	if err != nil {
		t.Fatal(err)
	}
	doc := examplePlan(t)
	if _, err := create.Handle(ctx, commands.CreatePlan{Plan: doc}); err != nil {
		t.Fatal(err)
	}
	const writers = 20
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			_, errs[i] = patch.Handle(ctx, commands.PatchPlan{
				PlanID:       doc.ObjectID(),
				Patch:        fmt.Appendf(nil, `{"planType":"writer-%d"}`, i),
				Precondition: commands.Unconditional(),
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if fs, ok := store.(fullStore); ok {
		history, err := fs.Events(ctx, doc.ObjectID())
		if err != nil {
			t.Fatal(err)
		}
		if len(history) != writers+1 {
			t.Errorf("%d events, want %d (one create and %d patches)", len(history), writers+1, writers)
		}
	}
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
