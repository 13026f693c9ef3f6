package query

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/postings"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// Query is a parsed Query DSL clause. Parsing happens once per request, before any index
// is touched, and reports Elasticsearch's request-level errors (parsing_exception...).
// Evaluation runs per index under its read lock; errors it returns are shard failures,
// which Elasticsearch reports as search_phase_execution_exception.
type Query interface {
	// eval returns the documents of the index matching the clause. scoring tells whether
	// the caller uses scores; in filter context a clause may skip computing them.
	eval(c *EvalContext, scoring bool) (DocSet, *wire.EsError)
}

// EvalContext is one index seen by a query; the caller holds the index's read lock.
type EvalContext struct {
	Ix   *index.Index
	M    *mapping.Mapping
	S    *index.Store
	Stop *SearchStop // nil: never stops early
	// aliases are the aliases of ix when the search began: _index matches them too.
	Aliases []string
	// Scratch lends the bitsets of joins and large ranges (nil: they are allocated); the
	// caller releases it once it no longer uses any result.
	Scratch *postings.Scratch
}

// DocSet is a query result: matching documents and how each scores. The bitmap may be
// shared with the index or another result and must never be modified.
type DocSet struct {
	Docs     *roaring.Bitmap
	ScoreFn  func(doc uint32) float64 // nil: every document scores constant
	Constant float64
	immune   func(doc uint32) float64 // nil: 0; the part of the score boosts leave alone (boost_immune.go)
}

func (d DocSet) Score(doc uint32) float64 {
	if d.ScoreFn == nil {
		return d.Constant
	}
	return d.ScoreFn(doc)
}

func constantSet(docs *roaring.Bitmap, s float64) DocSet {
	if docs == nil {
		docs = roaring.New()
	}
	return DocSet{Docs: docs, Constant: s}
}

func emptySet() DocSet { return constantSet(roaring.New(), 0) }

// boosted multiplies a result's scores by boost, all but their immune part.
func boosted(d DocSet, boost float64) DocSet {
	if boost == 1 {
		return d
	}
	if boost == 0 {
		// Zero scores everything, scoring joins included (Elasticsearch answers 0 there
		// too, though it ignores any other boost of theirs).
		return DocSet{Docs: d.Docs}
	}
	if d.immune != nil {
		score, immune := d.Score, d.immune
		d.ScoreFn = func(doc uint32) float64 {
			fixed := immune(doc)
			return fixed + boost*(score(doc)-fixed)
		}
		return d
	}
	if d.ScoreFn == nil {
		d.Constant *= boost
		return d
	}
	inner := d.ScoreFn
	d.ScoreFn = func(doc uint32) float64 { return inner(doc) * boost }
	return d
}

// maxQueryDepth bounds nesting like Elasticsearch's indices.query.bool.max_nested_depth
// (20 in 8.x); it also keeps a hostile body from exhausting the stack.
const maxQueryDepth = 20

// queryParsers are the clauses the engine evaluates.
var queryParsers map[string]func(p *queryParser, body any) (Query, *wire.EsError)

func init() {
	queryParsers = map[string]func(p *queryParser, body any) (Query, *wire.EsError){
		"match_all":  parseMatchAll,
		"match":      parseMatch,
		"term":       parseTerm,
		"terms":      parseTerms,
		"ids":        parseIDs,
		"range":      parseRange,
		"exists":     parseExists,
		"bool":       parseBool,
		"has_child":  parseHasChild,
		"has_parent": parseHasParent,
		"parent_id":  parseParentID,
		"script":     parseScript,
	}
}

// knownElsewhere are queries Elasticsearch has but the engine does not evaluate; they are
// refused with the same parsing_exception as an unknown query, with a reason that says
// why, so nobody wonders whether they typed the name wrong.
var knownElsewhere = map[string]bool{
	"match_none": true, "constant_score": true, "dis_max": true, "function_score": true, "boosting": true,
	"prefix": true, "wildcard": true, "regexp": true, "fuzzy": true, "terms_set": true, "match_phrase": true,
	"match_phrase_prefix": true, "match_bool_prefix": true, "multi_match": true, "query_string": true,
	"simple_query_string": true, "combined_fields": true, "intervals": true, "nested": true, "geo_bounding_box": true,
	"geo_distance": true, "geo_shape": true, "geo_polygon": true, "more_like_this": true, "percolate": true,
	"rank_feature": true, "distance_feature": true, "script_score": true, "wrapper": true, "pinned": true,
	"span_term": true, "span_near": true, "span_or": true, "span_not": true, "span_first": true,
	"span_containing": true, "span_within": true, "span_multi": true, "field_masking_span": true,
	"knn": true, "semantic": true, "sparse_vector": true, "text_expansion": true, "shape": true,
}

type queryParser struct {
	depth int
	named []NamedQuery // clauses with a _name, in the order Elasticsearch registers them
}

// ParseQuery parses the value of a "query" key: an object with exactly one clause.
func ParseQuery(v any) (Query, *wire.EsError) {
	return (&queryParser{}).parse(v)
}

// ParseNamedQuery is parseQuery that also returns the clauses given a _name.
func ParseNamedQuery(v any) (Query, []NamedQuery, *wire.EsError) {
	p := &queryParser{}
	q, err := p.parse(v)
	return q, p.named, err
}

func (p *queryParser) parse(v any) (Query, *wire.EsError) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, wire.ErrParsing("[_na] query malformed, must start with start_object")
	}
	if len(obj) == 0 {
		return nil, wire.ErrIllegalArgument("query malformed, empty clause found")
	}
	keys := mapping.SortedKeys(obj)
	if len(keys) > 1 {
		return nil, wire.ErrParsing("[%s] malformed query, expected [END_OBJECT] but found [FIELD_NAME]", keys[0])
	}
	name := keys[0]
	parse, known := queryParsers[name]
	if !known {
		if knownElsewhere[name] {
			return nil, wire.ErrParsing("unknown query [%s]: not supported by the embedded search engine", name)
		}
		return nil, wire.ErrParsing("unknown query [%s]", name).
			Because(wire.NewError(http.StatusBadRequest, "named_object_not_found_exception", "unknown field [%s]", name))
	}
	if _, isObj := obj[name].(map[string]any); !isObj {
		return nil, wire.ErrParsing("[%s] query malformed, no start_object after query name", name)
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxQueryDepth {
		return nil, wire.ErrIllegalArgument("The nested depth of the query exceeds the maximum nested depth for queries set in [indices.query.bool.max_nested_depth]")
	}
	q, err := parse(p, obj[name])
	if err != nil {
		return nil, objectParserBoostError(name, err)
	}
	p.noteName(name, obj[name], q)
	return q, nil
}

// commonOption reads boost and _name, which every clause accepts; it reports whether key
// was one of them.
func commonOption(key string, v any, boost *float64) (bool, *wire.EsError) {
	switch key {
	case "boost":
		f, ok := wire.AsFloat(v)
		if !ok {
			return true, wire.ErrParsing("[boost] must be a number")
		}
		if f < 0 {
			return true, wire.ErrIllegalArgument("negative [boost] are not allowed, use a value between 0 and 1 to deboost")
		}
		*boost = f
		return true, nil
	case "_name":
		// Recorded by queryParser.noteName once the clause is built.
		return true, nil
	}
	return false, nil
}

// singleField splits the {"field": spec} shape of term, match and range clauses.
func singleField(name string, body any) (string, any, *wire.EsError) {
	obj := body.(map[string]any)
	var field string
	var spec any
	for _, k := range mapping.SortedKeys(obj) {
		// boost and _name go inside the field's object: at the top, term and match read
		// them as field names and range refuses them, as Elasticsearch does.
		if name == "range" && (k == "boost" || k == "_name") {
			return "", nil, wire.ErrParsing("[range] query does not support [%s]", k)
		}
		if field != "" {
			return "", nil, wire.ErrParsing("[%s] query doesn't support multiple fields, found [%s] and [%s]", name, field, k)
		}
		field, spec = k, obj[k]
	}
	if field == "" {
		return "", nil, wire.ErrIllegalArgument("field name is null or empty")
	}
	return field, spec, nil
}

func errUnsupportedParam(query, param string) *wire.EsError {
	return wire.ErrParsing("[%s] query does not support [%s]", query, param)
}

// scriptQuery is refused: scripts would let a search run arbitrary code, and the
// contract refuses them everywhere. The failure has the shape a cluster without a
// script engine gives (a shard failure).
type scriptQuery struct{}

func parseScript(_ *queryParser, body any) (Query, *wire.EsError) {
	return scriptQuery{}, nil
}

func (scriptQuery) eval(*EvalContext, bool) (DocSet, *wire.EsError) {
	return DocSet{}, wire.ErrQueryShard("failed to create query: script queries are not supported by the embedded search engine").
		Because(wire.NewError(http.StatusBadRequest, "illegal_argument_exception", "script queries are not supported by the embedded search engine"))
}

// objectParserBoostError wraps a negative boost's refusal as Elasticsearch reports it
// for the clauses it reads with an ObjectParser (ids, match_all, bool), which wraps
// whatever a field's parser throws; the other clauses answer the bare refusal.
func objectParserBoostError(clause string, err *wire.EsError) *wire.EsError {
	if err.Typ != "illegal_argument_exception" || !strings.HasPrefix(err.Reason, "negative [boost]") {
		return err
	}
	reason := fmt.Sprintf("[%s] failed to parse field [boost]", clause)
	switch clause {
	case "ids", "match_all":
		return wire.NewError(http.StatusBadRequest, "parsing_exception", "%s", reason).
			Because(wire.NewError(http.StatusBadRequest, "x_content_parse_exception", "%s", reason).Because(err))
	case "bool":
		return wire.NewError(http.StatusBadRequest, "x_content_parse_exception", "%s", reason).Because(err)
	}
	return err
}
