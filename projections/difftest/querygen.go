package difftest

import (
	"strings"
)

// The read model's fields by kind (projections.IndexBody), plus the metadata fields a
// query may name and a field no document has.
var (
	keywordFields = []string{"objectId", "objectType", "_org", "planType", "creationDate", "name.keyword"}
	numberFields  = []string{"copay", "deductible"}
	metaFields    = []string{"_id", "_index", "_routing", "plan_join"}
	missingFields = []string{"nope", "name.nope"}
	objectTypes   = []string{"plan", "membercostshare", "planservice", "service", "Plan"}
	childTypes    = []string{"planCostShare", "linkedPlanService", "linkedService", "planserviceCostShare"}
	parentTypes   = []string{"plan", "linkedPlanService"}
	relations     = []string{"plan", "planCostShare", "linkedPlanService", "linkedService", "planserviceCostShare"}
)

// qgen generates one search; alias and index are the names hits and _index terms use.
type qgen struct {
	*gen
	index, alias string
	joinDepth    int
}

func (g *gen) queryGen(index, alias string) *qgen { return &qgen{gen: g, index: index, alias: alias} }

func (q *qgen) chance(n int) bool { return q.r.IntN(n) == 0 }

// search builds a whole search body.
func (q *qgen) search() Obj {
	body := Obj{}
	if !q.chance(12) {
		body = append(body, Member{"query", q.query(1)})
	}
	if q.chance(4) {
		body = append(body, Member{"from", num(q.r.IntN(12))})
	}
	if !q.chance(3) {
		body = append(body, Member{"size", num(pick(q.r, []int{0, 1, 2, 3, 5, 10, 20, 50, 100}))})
	}
	if q.chance(3) {
		body = append(body, Member{"sort", q.sort()})
	}
	if q.chance(5) {
		body = append(body, Member{"_source", q.source()})
	}
	if q.chance(5) {
		tth := []any{true, false, num(1), num(5), num(100)}
		if !q.known.Has(KnownTrackTotalHitsZero) {
			tth = append(tth, num(0))
		}
		body = append(body, Member{"track_total_hits", pick(q.r, tth)})
	}
	if q.chance(20) {
		body = append(body, Member{"timeout", pick(q.r, []string{"30s", "1m", "20000ms"})})
	}
	return body
}

// query builds one clause; depth 1 is the top level.
func (q *qgen) query(depth int) Obj {
	k := q.r.IntN(100)
	if depth >= 4 && k >= 80 {
		k = q.r.IntN(80)
	}
	switch {
	case k < 4:
		return O("match_all", q.opts(Obj{}))
	case k < 18:
		return q.match()
	case k < 32:
		return q.term()
	case k < 40:
		return q.terms()
	case k < 44:
		return q.ids()
	case k < 56:
		return q.rangeQuery()
	case k < 62:
		return q.exists()
	case k < 65:
		return q.parentID()
	case k < 68:
		return q.invalid()
	case k < 80:
		return q.boolQuery(depth)
	case k < 90 && q.joinDepth < 2:
		return q.hasChild(depth)
	case q.joinDepth < 2:
		return q.hasParent(depth)
	}
	return q.boolQuery(depth)
}

// callerOrgs picks whose search this is: an operator's (nil: sent as is) or a caller's
// with one or two organisations, which the query API confines the search to.
func (q *qgen) callerOrgs() []string {
	switch q.r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{pick(q.r, orgs)}
	}
	return []string{pick(q.r, orgs), pick(q.r, orgs)}
}

// opts adds boost and _name to a clause's parameters now and then.
func (q *qgen) opts(o Obj) Obj {
	if q.chance(5) {
		o = append(o, Member{"boost", q.boost()})
	}
	if !q.known.Has(KnownHitFields) && q.chance(8) {
		o = append(o, Member{"_name", pick(q.r, []string{"a", "b", "név"})})
	}
	return o
}

func (q *qgen) boost() any {
	if !q.known.Has(KnownRefusals) && q.chance(10) {
		return num(-1)
	}
	return num(pick(q.r, []string{"0", "0.5", "1", "1.5", "2", "3", "10"}))
}

func (q *qgen) anyField() string {
	switch q.r.IntN(10) {
	case 0, 1:
		return pick(q.r, numberFields)
	case 2:
		return "name"
	case 3:
		return pick(q.r, metaFields)
	case 4:
		if q.chance(3) {
			return pick(q.r, missingFields)
		}
	}
	return pick(q.r, keywordFields)
}

// value picks a value of field, usually one that some document holds.
func (q *qgen) value(field string) any {
	r := q.r
	if q.chance(15) {
		if field == "_index" {
			// Elasticsearch 7.17 fails the shard (503, no_shard_available_action_exception)
			// on an empty _index value in term or match; the engine matches nothing.
			return pick(r, []any{"zzz", num(7), true, "ABC"})
		}
		return pick(r, []any{"zzz", num(7), true, "", "ABC"})
	}
	switch field {
	case "copay", "deductible":
		if q.chance(8) {
			return pick(r, []any{"12", "12.5", "abc", "1e3"})
		}
		return q.randomMoney()
	case "objectId", "_id":
		return pickOr(r, q.seenIDs, "none")
	case "_routing":
		return pickOr(r, q.seenPlans, "none")
	case "objectType":
		return pick(r, objectTypes)
	case "_org":
		return pick(r, orgs)
	case "planType":
		return pick(r, planTypes)
	case "creationDate":
		return q.randomDate()
	case "name.keyword":
		return pickOr(r, q.seenNames, "well baby")
	case "name":
		return q.word()
	case "_index":
		if !q.known.Has(KnownIndexAliasTerm) && q.chance(2) {
			return q.alias
		}
		return pick(r, []string{q.index, q.index, "other"})
	case "plan_join":
		return pick(r, relations)
	}
	return pick(r, safeWords)
}

// word is a token of some name, or a hazard string when tokenization is under test.
func (q *qgen) word() string {
	if !q.known.Has(KnownTokenization) && q.chance(4) {
		return pick(q.r, tokenHazards)
	}
	if len(q.seenNames) > 0 && q.chance(2) {
		name := pick(q.r, q.seenNames)
		if f := strings.Fields(name); len(f) > 0 {
			return pick(q.r, f)
		}
	}
	return pick(q.r, safeWords)
}

func pickOr(r interface{ IntN(int) int }, list []string, fallback string) string {
	if len(list) == 0 {
		return fallback
	}
	return list[r.IntN(len(list))]
}

func (q *qgen) match() Obj {
	field := "name"
	if q.chance(3) {
		field = q.anyField()
	}
	var text any
	if field == "name" {
		words := make([]string, 1+q.r.IntN(3))
		for i := range words {
			words[i] = q.word()
		}
		text = strings.Join(words, pick(q.r, []string{" ", " ", "-", ", "}))
	} else {
		text = q.value(field)
	}
	if q.chance(3) {
		return O("match", O(field, text))
	}
	o := O("query", text)
	if q.chance(3) {
		o = append(o, Member{"operator", pick(q.r, []string{"and", "or", "AND"})})
	}
	// minimum_should_match on match is a known class as a whole: single terms,
	// percentages, duplicate terms and operator and all differ today.
	if !q.known.Has(KnownMatchMinimumShouldMatch) && q.chance(3) {
		msm := []any{num(1), num(2), "2", num(-1), "1", "50%", "-25%", "100%", "3<90%"}
		o = append(o, Member{"minimum_should_match", pick(q.r, msm)})
	}
	return O("match", O(field, q.opts(o)))
}

func (q *qgen) term() Obj {
	field := q.anyField()
	v := q.value(field)
	if q.chance(3) {
		return O("term", O(field, v))
	}
	return O("term", O(field, q.opts(O("value", v))))
}

func (q *qgen) terms() Obj {
	field := q.anyField()
	vals := make([]any, q.listLen())
	for i := range vals {
		vals[i] = q.value(field)
	}
	return O("terms", q.opts(O(field, vals)))
}

func (q *qgen) ids() Obj {
	vals := make([]any, q.listLen())
	for i := range vals {
		vals[i] = q.value("_id")
	}
	return O("ids", q.opts(O("values", vals)))
}

// listLen is the length of a terms or ids list: an empty one rewrites to match_none
// in Elasticsearch, which hides its siblings' errors (KnownRewriteToNone).
func (q *qgen) listLen() int {
	if q.known.Has(KnownRewriteToNone) {
		return 1 + q.r.IntN(4)
	}
	return q.r.IntN(5)
}

func (q *qgen) exists() Obj {
	field := q.anyField()
	if !q.known.Has(KnownRefusals) && q.chance(10) {
		field = "_source"
	}
	return O("exists", q.opts(O("field", field)))
}

func (q *qgen) parentID() Obj {
	typ := pick(q.r, childTypes)
	var id string
	switch {
	case q.chance(6):
		id = pickOr(q.r, q.seenIDs, "x")
	case typ == "linkedService" || typ == "planserviceCostShare":
		id = pickOr(q.r, q.seenServices, "x")
	default:
		id = pickOr(q.r, q.seenPlans, "x")
	}
	if q.chance(10) {
		typ = pick(q.r, []string{"plan", "nope"})
	}
	o := O("type", typ, "id", id)
	if q.chance(6) {
		o = append(o, Member{"ignore_unmapped", q.chance(2)})
	}
	return O("parent_id", q.opts(o))
}
