package replay_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/testenv"
)

// workload drives the command side the way the HTTP layer does, so the log holds
// exactly what production writes: creates, merge patches (adding services and changing
// money), replaces that drop services (their documents must be deleted), deletes, and
// plans created again after a delete.
type workload struct{ *commands.PlanHandlers }

func newWorkload(t testing.TB, store commands.EventStore) *workload {
	t.Helper()
	h, err := commands.NewPlanHandlers(store)
	if err != nil {
		t.Fatal(err)
	}
	return &workload{h}
}

// counts of the commands a workload ran.
type counts struct {
	creates, patches, replaces, deletes, events int
}

func (c *counts) add(o counts) {
	c.creates += o.creates
	c.patches += o.patches
	c.replaces += o.replaces
	c.deletes += o.deletes
	c.events += o.events
}

// run writes the history of plans plans, named by prefix, from 8 writers at once (so
// the store group-commits), and returns what it did. The same seed gives the same
// histories.
func (w *workload) run(t testing.TB, prefix string, plans int, seed uint64) counts {
	t.Helper()
	var (
		mu    sync.Mutex
		total counts
		wg    sync.WaitGroup
		errs  = make(chan error, 8)
	)
	for worker := range 8 {
		wg.Go(func() {
			for i := worker; i < plans; i += 8 {
				c, err := w.history(fmt.Sprintf("%s-%05d", prefix, i), rand.New(rand.NewPCG(seed, uint64(i))))
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				total.add(c)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return total
}

// history writes one plan's life.
func (w *workload) history(id string, rng *rand.Rand) (counts, error) {
	ctx := tenancy.WithAccess(context.Background(), tenancy.ForOrgs("example.com", "example.com")) // the workload's plans are example.com's
	meta := commands.Metadata{Actor: "replay-test", CorrelationID: id}
	var c counts
	rev := 0
	create := func() error {
		p, err := plan.DecodeChecked(planJSON(id, rev, 1+rng.IntN(3)))
		if err != nil {
			return err
		}
		_, err = w.Create.Handle(ctx, commands.CreatePlan{Plan: p, Meta: meta})
		c.creates++
		c.events++
		return err
	}
	if err := create(); err != nil {
		return c, fmt.Errorf("create %s: %w", id, err)
	}
	target := commands.Target{PlanID: id, Precondition: commands.Unconditional(), Meta: meta}
	for range rng.IntN(4) {
		rev++
		var patch string
		if rng.IntN(3) == 0 {
			patch = `{"linkedPlanServices": [` + serviceJSON(id, 4+rev, rev) + `]}`
		} else {
			patch = fmt.Sprintf(`{"planCostShares": {"copay": %d}}`, (rev*41+len(id))%90)
		}
		if _, err := w.Patch.Handle(ctx, commands.PatchPlan{Target: target, Patch: []byte(patch)}); err != nil {
			return c, fmt.Errorf("patch %s: %w", id, err)
		}
		c.patches++
		c.events++
	}
	if rng.IntN(4) == 0 {
		rev++
		p, err := plan.DecodeChecked(planJSON(id, rev, rng.IntN(2)))
		if err != nil {
			return c, err
		}
		if _, err := w.Replace.Handle(ctx, commands.ReplacePlan{Target: target, Plan: p}); err != nil {
			return c, fmt.Errorf("replace %s: %w", id, err)
		}
		c.replaces++
		c.events++
	}
	if rng.IntN(4) == 0 {
		if _, err := w.Delete.Handle(ctx, commands.DeletePlan{Target: target}); err != nil {
			return c, fmt.Errorf("delete %s: %w", id, err)
		}
		c.deletes++
		c.events++
		if rng.IntN(3) == 0 {
			rev++
			if err := create(); err != nil {
				return c, fmt.Errorf("create %s again: %w", id, err)
			}
		}
	}
	return c, nil
}

var serviceNames = []string{"Yearly physical", "well baby", "wellness check", "dental cleaning", "eye exam"}

// planJSON is a plan in the shape of aggregates/plan/exampleplan/plan.json with services services; rev
// varies names and money so every version differs.
func planJSON(id string, rev, services int) []byte {
	lps := make([]string, 0, services)
	for s := 1; s <= services; s++ {
		lps = append(lps, serviceJSON(id, s, rev))
	}
	planType := "inNetwork"
	if (len(id)+rev)%3 == 0 {
		planType = "outOfNetwork"
	}
	return fmt.Appendf(nil, `{
  "planCostShares": {"deductible": 2000, "_org": "example.com", "copay": %d, "objectId": "%s-pcs", "objectType": "membercostshare"},
  "linkedPlanServices": [%s],
  "_org": "example.com", "objectId": %q, "objectType": "plan", "planType": %q, "creationDate": "12-12-2017"
}`, (rev*23+len(id))%80, id, strings.Join(lps, ","), id, planType)
}

func serviceJSON(id string, s, rev int) string {
	return fmt.Sprintf(`{
    "linkedService": {"_org": "example.com", "objectId": "%[1]s-s%[2]d-svc", "objectType": "service", "name": %[3]q},
    "planserviceCostShares": {"deductible": %[4]d, "_org": "example.com", "copay": %[5]d, "objectId": "%[1]s-s%[2]d-cs", "objectType": "membercostshare"},
    "_org": "example.com", "objectId": "%[1]s-s%[2]d", "objectType": "planservice"
  }`, id, s, serviceNames[(rev+s)%len(serviceNames)], 10*s, (rev*37+s*53)%300)
}

// storeWithWorkload is a fresh embedded event store holding the workload of plans plans
// drawn from seed, and what that workload did: the log every replay test starts from.
func storeWithWorkload(t testing.TB, plans int, seed uint64) (*boltstore.Store, counts) {
	t.Helper()
	store := testenv.BoltStore(t)
	return store, newWorkload(t, store).run(t, "plan", plans, seed)
}
