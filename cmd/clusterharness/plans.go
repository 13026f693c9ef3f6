package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
)

// The harness builds its plans as generic JSON shaped like the contract's example plan.
// Every objectId starts with the plan's own id, and every plan's id with the run id, so a
// run never collides with an earlier one on the shared objectId index and the verifier
// can name every object a plan should have in the read model.

// planTypes and serviceNames are the values patches move between.
var (
	planTypes    = []string{"inNetwork", "outOfNetwork", "hmo", "ppo"}
	serviceNames = []string{"Yearly physical", "well baby", "dental", "vision"}
)

// newPlan returns the body of a new plan with 1 to 3 linked plan services.
func newPlan(r *rand.Rand, org, id string) []byte {
	services := make([]any, 1+r.IntN(3))
	for i := range services {
		services[i] = map[string]any{
			"linkedService": map[string]any{
				"_org": org, "objectId": serviceID(id, i), "objectType": "service",
				"name": serviceNames[r.IntN(len(serviceNames))],
			},
			"planserviceCostShares": costShare(r, org, fmt.Sprintf("%s-pscs%d", id, i)),
			"_org":                  org, "objectId": planServiceID(id, i), "objectType": "planservice",
		}
	}
	doc := map[string]any{
		"planCostShares":     costShare(r, org, id+"-pcs"),
		"linkedPlanServices": services,
		"_org":               org, "objectId": id, "objectType": "plan",
		"planType":     planTypes[r.IntN(len(planTypes))],
		"creationDate": fmt.Sprintf("%02d-%02d-20%02d", 1+r.IntN(12), 1+r.IntN(28), 10+r.IntN(15)),
	}
	body, _ := json.Marshal(doc) // maps of strings and numbers always encode
	return body
}

func costShare(r *rand.Rand, org, id string) map[string]any {
	return map[string]any{
		"deductible": 100 * r.IntN(50), "_org": org, "copay": r.IntN(251),
		"objectId": id, "objectType": "membercostshare",
	}
}

func serviceID(planID string, i int) string     { return planID + "-svc" + strconv.Itoa(i) }
func planServiceID(planID string, i int) string { return planID + "-ps" + strconv.Itoa(i) }

// newPatch returns a merge patch that changes values the read model indexes (planType,
// a copay), a third of them through planstore's merge-by-objectId on
// linkedPlanServices, so "searchable in its last state" is checked on children too.
func newPatch(r *rand.Rand, planID string) []byte {
	copay := strconv.Itoa(r.IntN(251))
	switch r.IntN(3) {
	case 0:
		return []byte(`{"planType":"` + planTypes[r.IntN(len(planTypes))] + `"}`)
	case 1:
		return []byte(`{"planCostShares":{"copay":` + copay + `}}`)
	default:
		return []byte(`{"linkedPlanServices":[{"objectId":"` + planServiceID(planID, 0) +
			`","planserviceCostShares":{"copay":` + copay + `}}]}`)
	}
}
