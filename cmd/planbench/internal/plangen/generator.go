// Package plangen generates plan documents and merge patches for load tests. Every
// objectId is unique across a run (a shared counter) and across runs (a run id in every
// objectId), because planstore keys every object of every plan by its objectId and
// answers a reused one with 409.
package plangen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
)

// MaxServices is the most linkedPlanServices a generated plan has; every plan has at
// least one, so patches can always address the first.
const MaxServices = 4

// Plan is one generated plan: its objectId and the JSON body to POST.
type Plan struct {
	ID   string
	Body []byte
}

// Generator makes plans for one run. It is safe for concurrent use; the random content
// comes from the *rand.Rand each caller passes, so a seed reproduces the content while
// the ids stay unique.
type Generator struct {
	run string
	org string
	seq atomic.Uint64
}

// New returns a generator whose objectIds all start with runID (see NewRunID).
func New(runID string) (*Generator, error) {
	if err := checkRunID(runID); err != nil {
		return nil, err
	}
	return &Generator{run: runID, org: runID + ".planbench.example"}, nil
}

// InOrg makes org the _org of every object of this run: the organisation of the token
// the run writes with (tenancy), when that is not the run's own.
func (g *Generator) InOrg(org string) *Generator {
	g.org = org
	return g
}

// Org is the _org of every object of this run. It is a keyword in the read model, so a
// term query on it counts exactly this run's documents.
func (g *Generator) Org() string { return g.org }

// RunID is the prefix of every objectId of this run.
func (g *Generator) RunID() string { return g.run }

// Plan generates the next plan.
func (g *Generator) Plan(r *rand.Rand) (Plan, error) {
	id := g.run + "-" + strconv.FormatUint(g.seq.Add(1), 36)
	doc := document{
		PlanCostShares: g.costShare(r, id+"-pcs", 1000, 10000),
		Org:            g.org,
		ObjectID:       id,
		ObjectType:     "plan",
		PlanType:       planTypes[r.IntN(len(planTypes))],
		CreationDate:   creationDate(r),
	}
	n := 1 + r.IntN(MaxServices)
	doc.LinkedPlanServices = make([]planService, n)
	for i := range n {
		sid := ServiceID(id, i)
		doc.LinkedPlanServices[i] = planService{
			LinkedService: service{
				Org: g.org, ObjectID: sid + "-svc", ObjectType: "service",
				Name: serviceNames[r.IntN(len(serviceNames))],
			},
			PlanserviceCostShares: g.costShare(r, sid+"-cs", 0, 500),
			Org:                   g.org,
			ObjectID:              sid,
			ObjectType:            "planservice",
		}
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return Plan{}, fmt.Errorf("encode plan %s: %w", id, err)
	}
	return Plan{ID: id, Body: body}, nil
}

// ServiceID is the objectId of the i-th linkedPlanService of a generated plan.
func ServiceID(planID string, i int) string {
	return planID + "-s" + strconv.Itoa(i)
}

// costShare makes a membercostshare whose copay is 0..250 (so range queries on copay
// match a predictable share of plans) and whose deductible lies in [minDed, maxDed).
func (g *Generator) costShare(r *rand.Rand, id string, minDed, maxDed int) costShare {
	return costShare{
		Deductible: float64(minDed + r.IntN(maxDed-minDed)),
		Org:        g.org,
		Copay:      float64(r.IntN(251)),
		ObjectID:   id,
		ObjectType: "membercostshare",
	}
}

// creationDate writes MM-DD-YYYY as the example does; days stop at 28 so every
// generated date exists.
func creationDate(r *rand.Rand) string {
	return fmt.Sprintf("%02d-%02d-%04d", 1+r.IntN(12), 1+r.IntN(28), 2015+r.IntN(12))
}

var (
	planTypes    = []string{"inNetwork", "outOfNetwork"}
	serviceNames = []string{"Yearly physical", "well baby", "Dental cleaning", "Eye exam", "Flu shot", "Physiotherapy"}
)
