// Package benchplans is the data and clock the engine's benchmarks share, so the
// engine's _bulk benchmarks and the index's per-document one index the same documents
// and report CPU time the same way. Only benchmarks import it.
package benchplans

import (
	"fmt"
	"syscall"
	"time"
)

// DocsPerPlan is how many documents Each makes for one plan.
const DocsPerPlan = 8

// Each calls doc with the documents of plans [from, to), shaped like
// aggregates/plan/exampleplan/plan.json: a plan, its planCostShare and two linked plan
// services with a service and a cost share each, all routed by the plan id. Copays and
// organisations vary so queries select subsets.
func Each(from, to int, doc func(id, routing, source string)) {
	for i := from; i < to; i++ {
		p := fmt.Sprintf("plan-%d", i)
		org := fmt.Sprintf("org-%d.example", i%50)
		doc(p, p, fmt.Sprintf(`{"objectId":%q,"objectType":"plan","_org":%q,"planType":"inNetwork","creationDate":"12-12-2017","plan_join":"plan"}`, p, org))
		doc(p+"-pcs", p, fmt.Sprintf(`{"objectId":"%s-pcs","objectType":"membercostshare","_org":%q,"copay":%d,"deductible":%d,"plan_join":{"name":"planCostShare","parent":%q}}`, p, org, i%40, (i%20)*100, p))
		for s := 1; s <= 2; s++ {
			ps := fmt.Sprintf("%s-ps%d", p, s)
			doc(ps, p, fmt.Sprintf(`{"objectId":%q,"objectType":"planservice","_org":%q,"plan_join":{"name":"linkedPlanService","parent":%q}}`, ps, org, p))
			doc(ps+"-svc", p, fmt.Sprintf(`{"objectId":"%s-svc","objectType":"service","_org":%q,"name":"Service number %d","plan_join":{"name":"linkedService","parent":%q}}`, ps, org, i%300, ps))
			doc(ps+"-cs", p, fmt.Sprintf(`{"objectId":"%s-cs","objectType":"membercostshare","_org":%q,"copay":%d,"deductible":10,"plan_join":{"name":"planserviceCostShare","parent":%q}}`, ps, org, (i*s)%250, ps))
		}
	}
}

// CPUTime is the CPU (user and system, the garbage collector's share included) the
// process used so far. The machine the benchmarks run on is shared, so wall-clock rates
// swing with its load; CPU per document or query is the stable figure. 0 where it
// cannot be read.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
