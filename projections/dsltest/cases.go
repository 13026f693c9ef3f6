package dsltest

// Case is one conformance case: a search body run against the fixtures and what any
// Elasticsearch-compatible engine must answer.
type Case struct {
	Name string
	// Body is the _search (or _count) request body.
	Body string
	// Count runs the body through _count instead of _search.
	Count bool
	// IDs are the expected hit ids, compared as a set unless Ordered.
	IDs     []string
	Ordered bool
	// Sort, when set, is each hit's sort values as JSON, in hit order; INDEX stands for
	// the index's name.
	Sort []string
	// Matched, when set, is each hit's matched_queries as JSON, in hit order ("" when the
	// hit has none).
	Matched []string
	// Total is the expected hits.total.value (or count); when nil and IDs is set, the
	// total must equal len(IDs).
	Total *int
	// Relation is the expected hits.total.relation; "" means "eq".
	Relation string
	// NoTotal expects hits.total to be absent (track_total_hits: false).
	NoTotal bool
	// MaxScore, when set, is the expected hits.max_score.
	MaxScore *float64
	// Err expects a failure instead of hits.
	Err *WantError
	// SkipIfAccepted skips the case, with this reason, when a cluster answers 2xx: some
	// refusals depend on cluster configuration (scripting) rather than on the API.
	SkipIfAccepted string
}

// WantError is the expected shape of an Elasticsearch error response.
type WantError struct {
	Status    int
	Type      string // error.type
	RootCause string // error.root_cause[0].type
	Reason    string // substring of the root cause's reason, if set
}

func total(n int) *int { return &n }

func score(f float64) *float64 { return &f }

// plansOnly restricts a query to plan documents.
const plansOnly = `{"term":{"objectType":"plan"}}`

// Cases are the DSL conformance cases. Expected ids were worked out by hand from the
// fixtures and checked against Elasticsearch 7.17.
var Cases = []Case{
	// Basics.
	{Name: "match_all counts every document", Body: `{"query":{"match_all":{}},"size":0}`, Total: total(31)},
	{Name: "no query is match_all", Body: `{"size":0}`, Total: total(31)},
	{Name: "term on keyword", Body: `{"query":{"bool":{"filter":[{"term":{"_org":"other.net"}}]}}}`, IDs: []string{"p5", "p5-pcs"}},
	{Name: "term long form", Body: `{"query":{"term":{"planType":{"value":"outNetwork","boost":2}}}}`, IDs: []string{"p2", "p4"}},
	{Name: "terms on keyword", Body: `{"query":{"bool":{"filter":[` + plansOnly + `,{"terms":{"_org":["acme.org","other.net"]}}]}}}`, IDs: []string{"p3", "p4", "p5"}},
	{Name: "ids", Body: `{"query":{"ids":{"values":["p2","p2-pcs","nope"]}}}`, IDs: []string{"p2", "p2-pcs"}},
	{Name: "term ignoring case on an objectId", Body: `{"query":{"term":{"objectId":{"value":"P3-PS1","case_insensitive":true}}}}`, IDs: []string{"p3-ps1"}},
	{Name: "term ignoring case on a routing its plan's documents share", Body: `{"query":{"term":{"_routing":{"value":"P4","case_insensitive":true}}}}`, IDs: []string{"p4", "p4-pcs", "p4-ps1", "p4-ps1-svc", "p4-ps1-cs"}},
	{Name: "term on _id", Body: `{"query":{"term":{"_id":"p3-ps1"}}}`, IDs: []string{"p3-ps1"}},
	{Name: "terms on _id", Body: `{"query":{"terms":{"_id":["p1","p4-pcs"]}}}`, IDs: []string{"p1", "p4-pcs"}},
	{Name: "term on a number", Body: `{"query":{"term":{"copay":175}}}`, IDs: []string{"p1-ps2-cs"}},
	{Name: "term on the join field", Body: `{"query":{"term":{"plan_join":"plan"}}}`, IDs: []string{"p1", "p2", "p3", "p4", "p5"}},
	{Name: "term on an unmapped field matches nothing", Body: `{"query":{"term":{"nofield":"x"}}}`, IDs: []string{}},
	{Name: "exists", Body: `{"query":{"exists":{"field":"name"}}}`, IDs: []string{"p1-ps1-svc", "p1-ps2-svc", "p2-ps1-svc", "p2-ps2-svc", "p3-ps1-svc", "p3-ps2-svc", "p4-ps1-svc"}},
	{Name: "exists on an unmapped field", Body: `{"query":{"exists":{"field":"nofield"}}}`, IDs: []string{}},

	// Text.
	{Name: "match on text is analysed", Body: `{"query":{"match":{"name":"YEARLY"}}}`, IDs: []string{"p1-ps1-svc", "p3-ps2-svc"}},
	{Name: "match or", Body: `{"query":{"match":{"name":"physical exam"}}}`, IDs: []string{"p1-ps1-svc", "p3-ps1-svc", "p2-ps2-svc"}},
	{Name: "match and", Body: `{"query":{"match":{"name":{"query":"yearly physical","operator":"and"}}}}`, IDs: []string{"p1-ps1-svc"}},
	{Name: "match on keyword is exact", Body: `{"query":{"match":{"_org":"acme.org"}},"size":0}`, Total: total(13)},
	{Name: "term on name.keyword", Body: `{"query":{"term":{"name.keyword":"Yearly physical"}}}`, IDs: []string{"p1-ps1-svc"}},
	{Name: "term on name.keyword is case sensitive", Body: `{"query":{"term":{"name.keyword":"yearly physical"}}}`, IDs: []string{}},
	{Name: "term on text sees tokens, not the value", Body: `{"query":{"term":{"name":"Yearly physical"}}}`, IDs: []string{}},
	{Name: "term on a text token", Body: `{"query":{"term":{"name":"well"}}}`, IDs: []string{"p1-ps2-svc", "p4-ps1-svc"}},

	// Ranges.
	{Name: "range on copay", Body: `{"query":{"range":{"copay":{"gt":0,"lte":100}}}}`, IDs: []string{"p1-pcs", "p3-pcs", "p5-pcs", "p2-ps1-cs", "p2-ps2-cs", "p4-ps1-cs"}},
	{Name: "range gte lt on deductible", Body: `{"query":{"range":{"deductible":{"gte":100,"lt":1000}}}}`, IDs: []string{"p2-pcs", "p3-ps1-cs", "p5-pcs"}},
	{Name: "range on keyword", Body: `{"query":{"bool":{"filter":[` + plansOnly + `,{"range":{"_org":{"gte":"b","lt":"f"}}}]}}}`, IDs: []string{"p1", "p2"}},

	// Children of a plan by the plan's _id.
	{Name: "parent_id planCostShare", Body: `{"query":{"parent_id":{"type":"planCostShare","id":"p1"}}}`, IDs: []string{"p1-pcs"}},
	{Name: "parent_id linkedPlanService", Body: `{"query":{"parent_id":{"type":"linkedPlanService","id":"p1"}}}`, IDs: []string{"p1-ps1", "p1-ps2"}},
	{Name: "has_parent with ids", Body: `{"query":{"has_parent":{"parent_type":"plan","query":{"ids":{"values":["p1"]}}}}}`, IDs: []string{"p1-pcs", "p1-ps1", "p1-ps2"}},
	{Name: "has_parent with term on _id", Body: `{"query":{"has_parent":{"parent_type":"plan","query":{"term":{"_id":"p4"}}}}}`, IDs: []string{"p4-pcs", "p4-ps1"}},
	{Name: "has_parent with terms on _id", Body: `{"query":{"has_parent":{"parent_type":"plan","query":{"terms":{"_id":["p4","p5"]}}}}}`, IDs: []string{"p4-pcs", "p4-ps1", "p5-pcs"}},
	{Name: "membercostshare children of a plan", Body: `{"query":{"bool":{"filter":[{"term":{"objectType":"membercostshare"}},{"has_parent":{"parent_type":"plan","query":{"ids":{"values":["p2"]}}}}]}}}`, IDs: []string{"p2-pcs"}},

	// Children of a linkedPlanService.
	{Name: "parent_id planserviceCostShare", Body: `{"query":{"parent_id":{"type":"planserviceCostShare","id":"p1-ps2"}}}`, IDs: []string{"p1-ps2-cs"}},
	{Name: "parent_id linkedService", Body: `{"query":{"parent_id":{"type":"linkedService","id":"p1-ps2"}}}`, IDs: []string{"p1-ps2-svc"}},
	{Name: "has_parent linkedPlanService", Body: `{"query":{"has_parent":{"parent_type":"linkedPlanService","query":{"ids":{"values":["p3-ps1"]}}}}}`, IDs: []string{"p3-ps1-svc", "p3-ps1-cs"}},

	// Parents by their children.
	{Name: "plans with a planCostShare copay >= 1", Body: `{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}}`, IDs: []string{"p1", "p3", "p5"}},
	{Name: "has_child scored max", Body: `{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}},"score_mode":"max"}}}`, IDs: []string{"p1", "p3", "p5"}},
	{Name: "has_child min_children", Body: `{"query":{"has_child":{"type":"linkedPlanService","query":{"match_all":{}},"min_children":2}}}`, IDs: []string{"p1", "p2", "p3"}},
	{Name: "has_child max_children", Body: `{"query":{"has_child":{"type":"linkedPlanService","query":{"match_all":{}},"max_children":1}}}`, IDs: []string{"p4"}},
	{Name: "linkedPlanServices with a service named physical", Body: `{"query":{"has_child":{"type":"linkedService","query":{"match":{"name":"physical"}}}}}`, IDs: []string{"p1-ps1", "p3-ps1"}},

	// Nested joins.
	{Name: "has_child in has_child: plans with a service costing copay > 100", Body: `{"query":{"has_child":{"type":"linkedPlanService","query":{"has_child":{"type":"planserviceCostShare","query":{"range":{"copay":{"gt":100}}}}}}}}`, IDs: []string{"p1", "p3"}},
	{Name: "has_child in has_child with text", Body: `{"query":{"has_child":{"type":"linkedPlanService","query":{"has_child":{"type":"linkedService","query":{"match":{"name":"yearly"}}}}}}}`, IDs: []string{"p1", "p3"}},
	{Name: "has_parent in has_parent: grandchildren of a plan", Body: `{"query":{"has_parent":{"parent_type":"linkedPlanService","query":{"has_parent":{"parent_type":"plan","query":{"ids":{"values":["p3"]}}}}}}}`, IDs: []string{"p3-ps1-svc", "p3-ps1-cs", "p3-ps2-svc", "p3-ps2-cs"}},
	{Name: "services of a plan", Body: `{"query":{"bool":{"filter":[{"term":{"objectType":"service"}},{"has_parent":{"parent_type":"linkedPlanService","query":{"has_parent":{"parent_type":"plan","query":{"term":{"_id":"p1"}}}}}}]}}}`, IDs: []string{"p1-ps1-svc", "p1-ps2-svc"}},

	// Bool combinations.
	{Name: "bool of term and has_child", Body: `{"query":{"bool":{"must":[{"has_child":{"type":"planCostShare","query":{"term":{"copay":0}}}}],"filter":[{"term":{"_org":"example.com"}}]}}}`, IDs: []string{"p2"}},
	{Name: "must_not", Body: `{"query":{"bool":{"filter":[` + plansOnly + `],"must_not":[{"term":{"_org":"example.com"}}]}}}`, IDs: []string{"p3", "p4", "p5"}},
	// A filter every document matches leaves the other clauses' documents and scores as
	// they are (the engine skips intersecting it).
	{Name: "bool: scored has_child confined to every organisation", Body: `{"query":{"bool":{"must":[{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}},"score_mode":"max"}}],"filter":[{"terms":{"_org":["example.com","acme.org","other.net"]}}]}}}`, IDs: []string{"p1", "p3", "p5"}, MaxScore: score(1)},
	{Name: "bool: only filters every document matches", Body: `{"query":{"bool":{"filter":[{"terms":{"_org":["example.com","acme.org","other.net"]}},{"exists":{"field":"objectId"}}]}},"size":0}`, Total: total(31)},
	{Name: "bool: has_parent confined to its organisation", Body: `{"query":{"bool":{"must":[{"has_parent":{"parent_type":"plan","query":{"ids":{"values":["p3","p5"]}}}}],"filter":[{"term":{"_org":"acme.org"}}]}}}`, IDs: []string{"p3-pcs", "p3-ps1", "p3-ps2"}},
	{Name: "bool: two dense filters", Body: `{"query":{"bool":{"filter":[{"terms":{"_org":["example.com","acme.org"]}},{"terms":{"objectType":["membercostshare","planservice"]}}],"must_not":[{"ids":{"values":["p1-pcs"]}}]}},"size":0}`, Total: total(17)},
	{Name: "must_not only", Body: `{"query":{"bool":{"must_not":[{"exists":{"field":"plan_join"}}]}}}`, IDs: []string{}},
	{Name: "must_not has_child", Body: `{"query":{"bool":{"filter":[` + plansOnly + `],"must_not":[{"has_child":{"type":"linkedPlanService","query":{"match_all":{}}}}]}}}`, IDs: []string{"p5"}},
	{Name: "should with minimum_should_match", Body: `{"query":{"bool":{"filter":[` + plansOnly + `],"should":[{"term":{"_org":"acme.org"}},{"term":{"planType":"inNetwork"}},{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}],"minimum_should_match":2}}}`, IDs: []string{"p1", "p3", "p5"}},
	{Name: "should with a percentage", Body: `{"query":{"bool":{"filter":[` + plansOnly + `],"should":[{"term":{"_org":"acme.org"}},{"term":{"planType":"inNetwork"}},{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}],"minimum_should_match":"100%"}}}`, IDs: []string{"p3"}},
	{Name: "should alone needs one match", Body: `{"query":{"bool":{"should":[{"ids":{"values":["p1"]}},{"term":{"_id":"p2"}}]}}}`, IDs: []string{"p1", "p2"}},
	{Name: "should is optional next to a filter", Body: `{"query":{"bool":{"filter":[` + plansOnly + `],"should":[{"term":{"_org":"nomatch"}}]}}}`, IDs: []string{"p1", "p2", "p3", "p4", "p5"}},
	{Name: "minimum_should_match above the should count", Body: `{"query":{"bool":{"must":[{"match_all":{}}],"minimum_should_match":1}}}`, IDs: []string{}},
	{Name: "nested bool", Body: `{"query":{"bool":{"filter":[{"bool":{"should":[{"term":{"objectType":"service"}},{"term":{"objectType":"planservice"}}]}},{"bool":{"must_not":{"term":{"_org":"example.com"}}}}]}}}`, IDs: []string{"p3-ps1", "p3-ps2", "p4-ps1", "p3-ps1-svc", "p3-ps2-svc", "p4-ps1-svc"}},

	// Paging, sorting, totals.
	{Name: "sort on a number with paging", Body: `{"query":{"term":{"objectType":"membercostshare"}},"sort":[{"copay":"asc"},{"objectId":"asc"}],"from":2,"size":3}`,
		IDs: []string{"p3-ps2-cs", "p4-pcs", "p5-pcs"}, Ordered: true, Total: total(12)},
	{Name: "sort descending, object form", Body: `{"query":{"has_parent":{"parent_type":"plan","query":{"match_all":{}}}},"sort":[{"deductible":{"order":"desc"}},"objectId"],"size":5}`,
		IDs: []string{"p1-pcs", "p3-pcs", "p2-pcs", "p5-pcs", "p4-pcs"}, Ordered: true, Total: total(12)},
	{Name: "sort on keyword desc", Body: `{"query":{"term":{"objectType":"plan"}},"sort":[{"objectId":"desc"}]}`, IDs: []string{"p5", "p4", "p3", "p2", "p1"}, Ordered: true},
	{Name: "from beyond the hits", Body: `{"query":{"term":{"objectType":"plan"}},"from":10}`, IDs: []string{}, Total: total(5)},
	{Name: "size 0 still counts", Body: `{"query":{"term":{"objectType":"service"}},"size":0}`, IDs: []string{}, Total: total(7)},
	{Name: "track_total_hits false", Body: `{"query":{"match_all":{}},"size":0,"track_total_hits":false}`, NoTotal: true},
	{Name: "track_total_hits as a cap", Body: `{"query":{"match_all":{}},"size":0,"track_total_hits":5}`, Total: total(5), Relation: "gte"},
	{Name: "track_total_hits true", Body: `{"query":{"match_all":{}},"size":0,"track_total_hits":true}`, Total: total(31)},
	{Name: "_source filtering keeps ids", Body: `{"query":{"ids":{"values":["p1"]}},"_source":["objectId"]}`, IDs: []string{"p1"}},
	{Name: "count", Count: true, Body: `{"query":{"has_parent":{"parent_type":"linkedPlanService","query":{"match_all":{}}}}}`, Total: total(14)},

	// Refusals.
	{Name: "unknown query", Body: `{"query":{"no_such_query":{}}}`, Err: &WantError{Status: 400, Type: "parsing_exception", RootCause: "parsing_exception", Reason: "unknown query [no_such_query]"}},
	{Name: "script query", Body: `{"query":{"script":{"script":{"source":"doc['copay'].value > 1","lang":"painless"}}}}`,
		Err:            &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception"},
		SkipIfAccepted: "this cluster runs painless scripts; planstore refuses script queries before they reach it"},
	{Name: "script query in another language", Body: `{"query":{"bool":{"filter":{"script":{"script":{"source":"x","lang":"planstore-none"}}}}}}`,
		Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception"}},
	{Name: "result window too large", Body: `{"from":9995,"size":10}`, Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "illegal_argument_exception", Reason: "Result window is too large"}},
	{Name: "has_child with an unknown type", Body: `{"query":{"has_child":{"type":"nope","query":{"match_all":{}}}}}`, Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception", Reason: "doesn't hold [nope] as a child"}},
	{Name: "has_parent with a child type", Body: `{"query":{"has_parent":{"parent_type":"planCostShare","query":{"match_all":{}}}}}`, Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception", Reason: "doesn't hold [planCostShare] as a parent"}},
	{Name: "range on _id", Body: `{"query":{"range":{"_id":{"gte":"p"}}}}`, Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception", Reason: "does not support range queries"}},
	{Name: "term with an array", Body: `{"query":{"term":{"_org":["a"]}}}`, Err: &WantError{Status: 400, Type: "parsing_exception", RootCause: "parsing_exception"}},
	{Name: "two clauses in one query object", Body: `{"query":{"term":{"_org":"a"},"match_all":{}}}`, Err: &WantError{Status: 400, Type: "parsing_exception", RootCause: "parsing_exception"}},
	{Name: "unknown bool key", Body: `{"query":{"bool":{"must_be":[]}}}`, Err: &WantError{Status: 400, Type: "x_content_parse_exception", RootCause: "x_content_parse_exception"}},
	{Name: "unknown search key", Body: `{"query":{"match_all":{}},"no_such_key":1}`, Err: &WantError{Status: 400, Type: "parsing_exception", RootCause: "parsing_exception"}},
	{Name: "sort on a text field", Body: `{"sort":["name"]}`, Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "illegal_argument_exception"}},
	{Name: "sort on an unmapped field", Body: `{"sort":["nofield"]}`, Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception"}},
	{Name: "number expected", Body: `{"query":{"range":{"copay":{"gte":"abc"}}}}`, Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception"}},
	{Name: "empty query clause", Body: `{"query":{}}`, Err: &WantError{Status: 400, Type: "illegal_argument_exception", RootCause: "illegal_argument_exception"}},
	{Name: "has_child without type", Body: `{"query":{"has_child":{"query":{"match_all":{}}}}}`, Err: &WantError{Status: 400, Type: "illegal_argument_exception", RootCause: "illegal_argument_exception"}},

	// Fidelity classes of issue 14, each once wrong in the embedded engine.
	{Name: "track_total_hits 0 still reports a total", Body: `{"track_total_hits":0,"size":0}`, Total: total(0), Relation: "gte"},
	{Name: "bool with only must_not scores 0", Body: `{"query":{"bool":{"must_not":{"term":{"objectType":"plan"}}}},"size":1}`, Total: total(26), MaxScore: score(0)},
	{Name: "negative boost refused", Body: `{"query":{"term":{"objectId":{"value":"p1","boost":-1}}}}`,
		Err: &WantError{Status: 400, Type: "illegal_argument_exception", RootCause: "illegal_argument_exception", Reason: "negative [boost] are not allowed"}},
	{Name: "Infinity on a double field refused", Body: `{"query":{"term":{"copay":"Infinity"}}}`,
		Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception", Reason: "supports only finite values, but got [Infinity]"}},
	{Name: "NaN in terms on a double field refused", Body: `{"query":{"terms":{"copay":["NaN"]}}}`,
		Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception", Reason: "supports only finite values, but got [NaN]"}},
	{Name: "exists on _source refused", Body: `{"query":{"exists":{"field":"_source"}}}`,
		Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception", Reason: "The _source field is not searchable"}},
	{Name: "non-numeric missing on a number sort refused", Body: `{"sort":[{"copay":{"missing":"abc"}}]}`,
		Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "number_format_exception", Reason: `For input string: "abc"`}},
	{Name: "unknown time_zone refused", Body: `{"query":{"range":{"copay":{"gte":1,"time_zone":"Nowhere/Land"}}}}`,
		Err: &WantError{Status: 400, Type: "illegal_argument_exception", RootCause: "illegal_argument_exception", Reason: "Unknown time-zone ID: Nowhere/Land"}},
	{Name: "range: of gte and gt the last written wins (gt)", Body: `{"query":{"range":{"copay":{"gte":175,"gt":175}}}}`, IDs: []string{}},
	{Name: "range: of gt and gte the last written wins (gte)", Body: `{"query":{"range":{"copay":{"gt":175,"gte":175}}}}`, IDs: []string{"p1-ps2-cs"}},
	{Name: "range: a bound key written with an escape counts as written", Body: `{"query":{"range":{"copay":{"gt":175,"g\u0074e":175}}}}`, IDs: []string{"p1-ps2-cs"}},
	{Name: "range: one bound a side in each of two ranges", Body: `{"query":{"bool":{"filter":[{"range":{"copay":{"gt":20}}},{"range":{"deductible":{"gte":10,"lt":100}}}]}}}`, IDs: []string{"p1-ps2-cs"}},
	{Name: "range: of lt and lte the last written wins (lt)", Body: `{"query":{"range":{"copay":{"lte":175,"lt":175}}}}`, Total: total(11)},
	{Name: "range: of from and gt the last written wins (gt)", Body: `{"query":{"range":{"copay":{"from":175,"gt":175}}}}`, IDs: []string{}},
	{Name: "range from +Infinity matches nothing", Body: `{"query":{"range":{"copay":{"gte":"Infinity"}}}}`, IDs: []string{}},
	{Name: "range from -Infinity is open", Body: `{"query":{"range":{"copay":{"gte":"-Infinity","lte":0}}}}`, Total: total(4)},
	{Name: "range below -Infinity matches nothing", Body: `{"query":{"range":{"copay":{"lt":"-Infinity"}}}}`, IDs: []string{}},
	{Name: "minimum_should_match: a one-token match ignores it", Body: `{"query":{"match":{"name":{"query":"physical","minimum_should_match":2}}}}`, IDs: []string{"p1-ps1-svc", "p3-ps1-svc"}},
	{Name: "minimum_should_match: a one-token match ignores even an unparsable one", Body: `{"query":{"match":{"name":{"query":"PHYSICAL","minimum_should_match":"abc"}}}}`, IDs: []string{"p1-ps1-svc", "p3-ps1-svc"}},
	{Name: "minimum_should_match: operator and with 1 matches nothing", Body: `{"query":{"match":{"name":{"query":"yearly physical","operator":"and","minimum_should_match":1}}}}`, IDs: []string{}},
	{Name: "minimum_should_match: operator and with -1", Body: `{"query":{"match":{"name":{"query":"yearly physical","operator":"and","minimum_should_match":-1}}}}`, IDs: []string{"p1-ps1-svc"}},
	{Name: "minimum_should_match: -50% of 4 tokens is 2", Body: `{"query":{"match":{"name":{"query":"yearly physical exam zzz","minimum_should_match":"-50%"}}}}`, IDs: []string{"p1-ps1-svc"}},
	{Name: "minimum_should_match: 74% of 4 tokens rounds down to 2", Body: `{"query":{"match":{"name":{"query":"yearly physical exam zzz","minimum_should_match":"74%"}}}}`, IDs: []string{"p1-ps1-svc"}},
	{Name: "minimum_should_match: 75% of 4 tokens is 3", Body: `{"query":{"match":{"name":{"query":"yearly physical exam zzz","minimum_should_match":"75%"}}}}`, IDs: []string{}},
	{Name: "minimum_should_match: -70% of 4 tokens rounds toward zero, to 2", Body: `{"query":{"match":{"name":{"query":"yearly physical exam zzz","minimum_should_match":"-70%"}}}}`, IDs: []string{"p1-ps1-svc"}},
	{Name: "minimum_should_match: conditional", Body: `{"query":{"match":{"name":{"query":"yearly physical exam zzz","minimum_should_match":"3<-25% 9<-3"}}}}`, IDs: []string{}},
	{Name: "minimum_should_match: 66% of 3 should clauses is 1", Body: `{"query":{"bool":{"should":[{"ids":{"values":["p1"]}},{"ids":{"values":["p2"]}},{"ids":{"values":["p3"]}}],"minimum_should_match":"66%"}}}`, IDs: []string{"p1", "p2", "p3"}},
	{Name: "minimum_should_match: unparsable with several tokens refused", Body: `{"query":{"match":{"name":{"query":"yearly physical","minimum_should_match":"50.5%"}}}}`,
		Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception", Reason: `failed to create query: For input string: "50.5"`}},
	{Name: "sort: unmapped_type long prints Long.MAX_VALUE", Body: `{"query":{"ids":{"values":["p1","p2"]}},"sort":[{"nofield":{"unmapped_type":"long"}},"objectId"]}`,
		IDs: []string{"p1", "p2"}, Ordered: true, Sort: []string{`[9223372036854775807,"p1"]`, `[9223372036854775807,"p2"]`}},
	{Name: "sort: unmapped_type date descending prints Long.MIN_VALUE", Body: `{"query":{"ids":{"values":["p1","p2"]}},"sort":[{"nofield":{"unmapped_type":"date","order":"desc"}},"objectId"]}`,
		IDs: []string{"p1", "p2"}, Ordered: true, Sort: []string{`[-9223372036854775808,"p1"]`, `[-9223372036854775808,"p2"]`}},
	{Name: "sort: unmapped_type double prints Infinity", Body: `{"query":{"ids":{"values":["p1","p2"]}},"sort":[{"nofield":{"unmapped_type":"double"}},{"objectId":"desc"}]}`,
		IDs: []string{"p2", "p1"}, Ordered: true, Sort: []string{`["Infinity","p2"]`, `["Infinity","p1"]`}},
	{Name: "sort: unmapped_type keyword prints null", Body: `{"query":{"ids":{"values":["p1"]}},"sort":[{"nofield":{"unmapped_type":"keyword"}}]}`,
		IDs: []string{"p1"}, Sort: []string{`[null]`}},
	{Name: "sort: unmapped_type with a missing number", Body: `{"query":{"ids":{"values":["p1"]}},"sort":[{"nofield":{"unmapped_type":"long","missing":5}}]}`,
		IDs: []string{"p1"}, Sort: []string{`[5]`}},
	{Name: "sort: a mapped field ignores unmapped_type", Body: `{"query":{"ids":{"values":["p1","p1-pcs"]}},"sort":[{"copay":{"unmapped_type":"keyword"}}]}`,
		IDs: []string{"p1-pcs", "p1"}, Ordered: true, Sort: []string{`[23.0]`, `["Infinity"]`}},
	{Name: "sort: missing on a double field descending prints -Infinity", Body: `{"query":{"ids":{"values":["p1","p1-pcs"]}},"sort":[{"copay":"desc"}]}`,
		IDs: []string{"p1-pcs", "p1"}, Ordered: true, Sort: []string{`[23.0]`, `["-Infinity"]`}},
	{Name: "sort: unmapped_type text refused", Body: `{"sort":[{"nofield":{"unmapped_type":"text"}}]}`,
		Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "illegal_argument_exception", Reason: "set fielddata=true on [__anonymous_]"}},
	{Name: "sort: unknown unmapped_type refused", Body: `{"sort":[{"nofield":{"unmapped_type":"nope"}}]}`,
		Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "illegal_argument_exception", Reason: "No mapper found for type [nope]"}},
	{Name: "sort: on _index", Body: `{"query":{"ids":{"values":["p1"]}},"sort":["_index"]}`, IDs: []string{"p1"}, Sort: []string{`["INDEX"]`}},
	{Name: "sort: on _seq_no", Body: `{"query":{"ids":{"values":["p1","p2","p1-pcs"]}},"sort":[{"_seq_no":"desc"}]}`,
		IDs: []string{"p2", "p1-pcs", "p1"}, Ordered: true, Sort: []string{`[8]`, `[1]`, `[0]`}},
	{Name: "sort: on _version", Body: `{"query":{"ids":{"values":["p1"]}},"sort":["_version"]}`, IDs: []string{"p1"}, Sort: []string{`[1]`}},
	{Name: "sort: on _routing refused", Body: `{"sort":["_routing"]}`,
		Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "illegal_argument_exception", Reason: "Fielddata is not supported on field [_routing] of type [_routing]"}},
	{Name: "sort: on _source refused", Body: `{"sort":["_source"]}`,
		Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "illegal_argument_exception", Reason: "Fielddata is not supported on field [_source] of type [_source]"}},
	{Name: "sort: mode avg on _id refused", Body: `{"sort":[{"_id":{"mode":"avg"}}]}`,
		Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception", Reason: "we only support AVG, MEDIAN and SUM on number based fields"}},
	{Name: "sort: mode median on a keyword refused", Body: `{"sort":[{"objectId":{"mode":"median"}}]}`,
		Err: &WantError{Status: 400, Type: "search_phase_execution_exception", RootCause: "query_shard_exception", Reason: "we only support AVG, MEDIAN and SUM on number based fields"}},
	{Name: "sort: mode avg on a number", Body: `{"query":{"ids":{"values":["p1-pcs"]}},"sort":[{"copay":{"mode":"avg"}}]}`, IDs: []string{"p1-pcs"}, Sort: []string{`[23.0]`}},
	{Name: "named queries: matched_queries in Java HashMap order", Body: `{"query":{"bool":{"should":[{"term":{"objectId":{"value":"p1","_name":"b"}}},{"term":{"_org":{"value":"acme.org","_name":"a"}}},{"match_all":{"_name":"zeta"}},{"ids":{"values":["p1"],"_name":"alpha"}},{"exists":{"field":"copay","_name":"c"}}],"filter":{"terms":{"_id":["p1","p3","p3-pcs","p2"]}}}},"sort":["_id"]}`,
		IDs: []string{"p1", "p2", "p3", "p3-pcs"}, Ordered: true, Matched: []string{`["zeta","b","alpha"]`, `["zeta"]`, `["zeta","a"]`, `["zeta","a","c"]`}},
	{Name: "named queries: under must_not and inside a join they test the hit itself", Body: `{"query":{"bool":{"must_not":{"term":{"objectId":{"value":"p1","_name":"not-p1"}}},"filter":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1,"_name":"inner"}}},"_name":"hc"}}}},"sort":["_id"]}`,
		IDs: []string{"p3", "p5"}, Ordered: true, Matched: []string{`["hc"]`, `["hc"]`}},
	{Name: "named queries: a repeated name keeps the last clause", Body: `{"query":{"bool":{"should":[{"term":{"objectId":{"value":"p1","_name":"x"}}},{"term":{"objectId":{"value":"p2","_name":"x"}}}]}},"sort":["_id"]}`,
		IDs: []string{"p1", "p2"}, Ordered: true, Matched: []string{``, `["x"]`}},
	{Name: "named queries: a bool's name comes after its clauses'", Body: `{"query":{"bool":{"_name":"outer","should":[{"term":{"objectId":{"value":"p1","_name":"q1"}}},{"term":{"objectId":{"value":"p2","_name":"q2"}}},{"term":{"objectId":{"value":"p2","_name":"q3"}}},{"term":{"objectId":{"value":"p2","_name":"q4"}}},{"term":{"objectId":{"value":"p2","_name":"q5"}}},{"term":{"objectId":{"value":"p2","_name":"q6"}}},{"term":{"objectId":{"value":"p2","_name":"q7"}}},{"term":{"objectId":{"value":"p2","_name":"q8"}}},{"term":{"objectId":{"value":"p2","_name":"q9"}}},{"term":{"objectId":{"value":"p2","_name":"q10"}}},{"term":{"objectId":{"value":"p2","_name":"q11"}}},{"term":{"objectId":{"value":"p2","_name":"q12"}}},{"term":{"objectId":{"value":"p2","_name":"q13"}}},{"term":{"objectId":{"value":"p2","_name":"Aa"}}},{"term":{"objectId":{"value":"p2","_name":"BB"}}}]}},"sort":["_id"]}`,
		IDs: []string{"p1", "p2"}, Ordered: true, Matched: []string{`["q1","outer"]`, `["Aa","BB","q2","q3","q4","q5","q6","q7","q8","q9","outer","q11","q10","q13","q12"]`}},
	{Name: "named queries: a number as a name", Body: `{"query":{"term":{"objectId":{"value":"p1","_name":7}}}}`, IDs: []string{"p1"}, Matched: []string{`["7"]`}},
	{Name: "named queries: _name beside the field of a term is a second field", Body: `{"query":{"term":{"_name":"top","objectId":"p1"}}}`,
		Err: &WantError{Status: 400, Type: "parsing_exception", RootCause: "parsing_exception", Reason: "query doesn't support multiple fields"}},
	{Name: "named queries: range refuses _name beside the field", Body: `{"query":{"range":{"_name":"top","copay":{"gte":6}}}}`,
		Err: &WantError{Status: 400, Type: "parsing_exception", RootCause: "parsing_exception", Reason: "[range] query does not support [_name]"}},
	{Name: "named queries: term on the field _name", Body: `{"query":{"term":{"_name":"p1"}}}`, IDs: []string{}},
	{Name: "boost: has_child with a score_mode ignores its boost", Body: `{"query":{"has_child":{"type":"planCostShare","query":{"match_all":{"boost":2}},"score_mode":"sum","boost":3}},"size":1}`, Total: total(5), MaxScore: score(2)},
	{Name: "boost: has_child max over a constant inner query", Body: `{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}},"score_mode":"max","boost":3}},"size":1}`, Total: total(3), MaxScore: score(1)},
	{Name: "boost: has_child with max_children scores 1", Body: `{"query":{"has_child":{"type":"planCostShare","query":{"match_all":{"boost":2}},"max_children":5,"boost":3}},"size":1}`, Total: total(5), MaxScore: score(1)},
	{Name: "boost: has_child with min_children 2 scores 1", Body: `{"query":{"has_child":{"type":"linkedPlanService","query":{"match_all":{"boost":2}},"min_children":2,"boost":3}},"size":1}`, Total: total(3), MaxScore: score(1)},
	{Name: "boost: has_child with score_mode none keeps its boost", Body: `{"query":{"has_child":{"type":"planCostShare","query":{"match_all":{"boost":2}},"boost":3}},"size":1}`, Total: total(5), MaxScore: score(3)},
	{Name: "boost: has_parent with score ignores its boost", Body: `{"query":{"has_parent":{"parent_type":"plan","score":true,"query":{"match_all":{"boost":2}},"boost":3}},"size":1}`, Total: total(12), MaxScore: score(2)},
	{Name: "boost: has_parent without score keeps its boost", Body: `{"query":{"has_parent":{"parent_type":"plan","query":{"match_all":{"boost":2}},"boost":3}},"size":1}`, Total: total(12), MaxScore: score(3)},
	{Name: "boost: a bool's boost skips a scoring join inside it", Body: `{"query":{"bool":{"should":[{"has_child":{"type":"planCostShare","query":{"match_all":{}},"score_mode":"max","boost":5}},{"ids":{"values":["p1"]}}],"boost":2}},"size":1}`, Total: total(5), MaxScore: score(3)},
	{Name: "a clause that does not parse inside a bool is the bool's x_content_parse_exception", Body: `{"query":{"bool":{"must":{"no_such_query":{}}}}}`,
		Err: &WantError{Status: 400, Type: "x_content_parse_exception", RootCause: "parsing_exception", Reason: "unknown query [no_such_query]"}},
	{Name: "a parse error two bools deep", Body: `{"query":{"bool":{"filter":{"bool":{"must":{"term":{"_org":["x"]}}}}}}}`,
		Err: &WantError{Status: 400, Type: "x_content_parse_exception", RootCause: "parsing_exception"}},
	{Name: "an unknown time_zone inside a bool", Body: `{"query":{"bool":{"must":{"range":{"copay":{"gte":1,"time_zone":"Nowhere/Land"}}}}}}`,
		Err: &WantError{Status: 400, Type: "x_content_parse_exception", RootCause: "x_content_parse_exception", Reason: "[bool] failed to parse field [must]"}},
	{Name: "time_zone offset past 18 hours refused", Body: `{"query":{"range":{"copay":{"gte":1,"time_zone":"+25:00"}}}}`,
		Err: &WantError{Status: 400, Type: "illegal_argument_exception", RootCause: "illegal_argument_exception", Reason: "Zone offset hours not in valid range: value 25 is not in the range -18 to 18"}},
	{Name: "boost: 0 zeroes a scoring join too", Body: `{"query":{"bool":{"should":[{"has_child":{"type":"planCostShare","query":{"match_all":{}},"score_mode":"max"}},{"ids":{"values":["p1"]}}],"boost":0}},"size":1}`, Total: total(5), MaxScore: score(0)},
	{Name: "boost: 0 on a scoring join zeroes it", Body: `{"query":{"has_child":{"type":"planCostShare","query":{"match_all":{}},"max_children":3,"boost":0}},"size":1}`, Total: total(5), MaxScore: score(0)},
	{Name: "negative boost on ids: its ObjectParser's parsing_exception", Body: `{"query":{"ids":{"values":["p1"],"boost":-1}}}`,
		Err: &WantError{Status: 400, Type: "parsing_exception", RootCause: "parsing_exception", Reason: "[ids] failed to parse field [boost]"}},
	{Name: "negative boost on bool: its ObjectParser's x_content_parse_exception", Body: `{"query":{"bool":{"boost":-1}}}`,
		Err: &WantError{Status: 400, Type: "x_content_parse_exception", RootCause: "x_content_parse_exception", Reason: "[bool] failed to parse field [boost]"}},
	{Name: "offset time_zone accepted", Body: `{"query":{"range":{"copay":{"gte":175,"time_zone":"+01:00"}}}}`, IDs: []string{"p1-ps2-cs"}},
}
