package difftest

import (
	"math/rand/v2"
)

// gen is the seeded source of every random choice of one run.
type gen struct {
	r     *rand.Rand
	known Known
	ids   int

	// Values seen in plans, for queries to pick from so they hit something.
	seenIDs, seenPlans, seenServices, seenNames []string
	// planOrg is each plan's organisation: every object of a plan carries it, and a
	// plan never moves to another (tenancy.CheckPlan).
	planOrg map[string]string
}

func newGen(seed uint64, known Known) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), known: known, planOrg: map[string]string{}}
}

func (g *gen) costShare(org string) Obj {
	id := g.newID()
	g.seenIDs = append(g.seenIDs, id)
	o := O("objectId", id, "objectType", "membercostshare", "_org", org)
	if g.r.IntN(2) == 0 {
		o = append(o, Member{"deductible", g.randomMoney()}, Member{"copay", g.randomMoney()})
	} else {
		o = append(o, Member{"copay", g.randomMoney()}, Member{"deductible", g.randomMoney()})
	}
	return o
}

func (g *gen) planService(org string) Obj {
	id, sid := g.newID(), g.newID()
	g.seenIDs = append(g.seenIDs, id, sid)
	g.seenServices = append(g.seenServices, id)
	return O(
		"linkedService", O("_org", org, "objectId", sid, "objectType", "service", "name", g.randomName()),
		"planserviceCostShares", g.costShare(org),
		"_org", org,
		"objectId", id,
		"objectType", "planservice",
	)
}

// plan builds a whole plan with the structure of the example document: cost shares and
// zero to four linked services, each with its service and cost shares.
func (g *gen) plan(id string) Obj {
	org, ok := g.planOrg[id]
	if !ok {
		org = pick(g.r, orgs)
		g.planOrg[id] = org
	}
	services := []any{}
	for n := g.r.IntN(5); n > 0; n-- {
		services = append(services, g.planService(org))
	}
	return O(
		"planCostShares", g.costShare(org),
		"linkedPlanServices", services,
		"_org", org,
		"objectId", id,
		"objectType", "plan",
		"planType", pick(g.r, planTypes),
		"creationDate", g.randomDate(),
	)
}

// patch builds a merge patch for the plan: scalar changes, cost share changes, a
// changed or appended linked service (arrays of objects merge by objectId).
func (g *gen) patch(current Obj) Obj {
	p := Obj{}
	for len(p) == 0 {
		if g.r.IntN(3) == 0 {
			p = append(p, Member{"planType", pick(g.r, planTypes)})
		}
		if g.r.IntN(4) == 0 {
			p = append(p, Member{"creationDate", g.randomDate()})
		}
		if g.r.IntN(3) == 0 {
			p = append(p, Member{"planCostShares", O("copay", g.randomMoney())})
		}
		if g.r.IntN(2) == 0 {
			p = append(p, Member{"linkedPlanServices", g.servicesPatch(current)})
		}
	}
	return p
}

func (g *gen) servicesPatch(current Obj) []any {
	list, _ := current.Get("linkedPlanServices")
	existing, _ := list.([]any)
	if len(existing) == 0 || g.r.IntN(3) == 0 {
		return []any{g.planService(g.planOrg[idOf(current)])}
	}
	s := existing[g.r.IntN(len(existing))].(Obj)
	id, _ := s.Get("objectId")
	change := O("objectId", id)
	if g.r.IntN(2) == 0 {
		change = append(change, Member{"linkedService", O("name", g.randomName())})
	} else {
		change = append(change, Member{"planserviceCostShares", O("deductible", g.randomMoney())})
	}
	return []any{change}
}
