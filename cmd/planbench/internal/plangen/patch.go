package plangen

import (
	"math/rand/v2"
	"strconv"
)

// Patch returns a JSON merge patch for a plan made by this package. It changes values
// only, never adds objects, so a long patch run does not grow documents. A third of the
// patches use planstore's merge-by-objectId on linkedPlanServices, the costliest path.
func Patch(r *rand.Rand, planID string) []byte {
	copay := strconv.Itoa(r.IntN(251))
	switch r.IntN(3) {
	case 0:
		return []byte(`{"planType":"` + planTypes[r.IntN(len(planTypes))] + `"}`)
	case 1:
		return []byte(`{"planCostShares":{"copay":` + copay + `,"deductible":` + strconv.Itoa(1000+r.IntN(9000)) + `}}`)
	default:
		return []byte(`{"linkedPlanServices":[{"objectId":"` + ServiceID(planID, 0) +
			`","planserviceCostShares":{"copay":` + copay + `}}]}`)
	}
}
