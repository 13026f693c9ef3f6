package dsltest

import _ "embed"

// IndexBody is the index the suite creates, and the one the engine's own tests write
// to and search: a join field with two levels of children, keywords, numbers, and text
// with a keyword sub-field. It is the suite's own fixture, shaped like planstore's read
// model but not taken from it, so the engine and its conformance suite know nothing of
// plans; the same cases against a real cluster keep it honest.
//
//go:embed index.json
var IndexBody string

// The join field of IndexBody and its relations, which the fixtures fill in.
const (
	joinField                    = "plan_join"
	relationPlan                 = "plan"
	relationPlanCostShare        = "planCostShare"
	relationLinkedPlanService    = "linkedPlanService"
	relationLinkedService        = "linkedService"
	relationPlanserviceCostShare = "planserviceCostShare"
)
