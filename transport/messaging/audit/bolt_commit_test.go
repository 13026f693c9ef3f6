package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/planstore/planstore/transport/messaging/audit"
)

// Concurrent adds share commits; every one is recorded, and a refused add (a plan id
// bbolt cannot name a bucket with) fails alone, not the adds committed with it.
func TestBoltStoreConcurrentAddsAreAllRecordedAndAFailureStaysAlone(t *testing.T) {
	store, err := audit.OpenBoltStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	const plans, perPlan = 32, 8
	var wg sync.WaitGroup
	errs := make(chan error, plans*perPlan+1)
	for p := range plans {
		wg.Go(func() {
			for v := range perPlan {
				if err := store.Add(ctx, fmt.Sprintf("plan-%d", p), audit.Entry{EventID: fmt.Sprintf("e-%d-%d", p, v), Version: int64(v + 1)}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() {
		if err := store.Add(ctx, "", audit.Entry{EventID: "no-plan"}); err == nil {
			errs <- fmt.Errorf("an add without a plan id succeeded")
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for p := range plans {
		entries, err := store.Entries(ctx, fmt.Sprintf("plan-%d", p))
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != perPlan {
			t.Errorf("plan-%d has %d entries, want %d", p, len(entries), perPlan)
		}
	}
}

func TestBoltStoreRefusesAddsAfterClose(t *testing.T) {
	store, err := audit.OpenBoltStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	if err := store.Add(context.Background(), "plan-1", audit.Entry{EventID: "e1"}); err == nil {
		t.Fatal("Add after Close succeeded")
	}
}
