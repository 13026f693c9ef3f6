package search

// Limits on a search request. Elasticsearch has defaults for most of them; where ours
// are lower, it is because the query API is public and a single request should not be
// able to occupy the cluster.
const (
	// MaxResultWindow bounds from+size, as Elasticsearch's index.max_result_window.
	MaxResultWindow = 10000
	// DefaultSize is the number of hits when the request names none, as in Elasticsearch.
	DefaultSize = 10
	// MaxQueryDepth bounds how deeply queries nest (bool in bool, has_child in
	// has_parent...); the top-level query is depth 1. Real queries on a three-level
	// join rarely pass 6.
	MaxQueryDepth = 20
	// MaxTerms bounds the values of one terms or ids query (Elasticsearch allows 65,536).
	MaxTerms = 1024
	// MaxBoolClauses bounds the clauses of one bool query, must + filter + should +
	// must_not (Elasticsearch's indices.query.bool.max_clause_count default).
	MaxBoolClauses = 1024
	// MaxSortFields bounds the sort keys of one request.
	MaxSortFields = 32
	// MaxJSONDepth bounds the nesting of the request body as JSON, before any query is
	// read, so that parsing itself cannot be driven into deep recursion. It leaves room
	// for MaxQueryDepth levels of the deepest query shape (bool > must > [ > query).
	MaxJSONDepth = 4*MaxQueryDepth + 16
)
