package esengine

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/query"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// defaultTrackTotalHits is how far Elasticsearch counts hits exactly by default.
const defaultTrackTotalHits = 10000

// trackTotalNever is track_total_hits false (or -1): no total at all. 0 is different:
// Elasticsearch then answers a total of 0, relation gte, when anything matched.
const trackTotalNever = -1

// searchRequest is a parsed _search body with its query-string overrides applied.
type searchRequest struct {
	query            query.Query // nil means match_all
	named            []query.NamedQuery
	from, size       int
	sort             []query.SortSpec
	source           sourceFilter
	trackTotalUpTo   int // counts exactly up to this; math.MaxInt is always, trackTotalNever never
	trackScores      bool
	version          bool
	seqNoPrimaryTerm bool
	restTotalAsInt   bool
	minScore         *float64
	timeout          time.Duration // 0 or less: none
}

// unsupportedSearchKeys are search body features Elasticsearch has and the engine does
// not; they are refused rather than ignored, because ignoring them would answer a
// different question than the one asked.
var unsupportedSearchKeys = map[string]bool{
	"aggs": true, "aggregations": true, "highlight": true, "post_filter": true, "suggest": true,
	"collapse": true, "rescore": true, "script_fields": true, "docvalue_fields": true, "fields": true,
	"stored_fields": true, "indices_boost": true, "profile": true, "pit": true, "runtime_mappings": true,
	"stats": true, "ext": true, "knn": true, "slice": true, "search_after": true, "explain": true,
	"terminate_after": true, "rank": true, "retriever": true,
}

func parseSearchRequest(body []byte, q paramReader) (*searchRequest, *wire.EsError) {
	req := &searchRequest{size: 10, trackTotalUpTo: defaultTrackTotalHits}
	obj, err := wire.ParseBody(body)
	if err != nil {
		return nil, err
	}
	index.LastBoundWins(body, obj)
	for _, k := range mapping.SortedKeys(obj) {
		if err := req.setBodyKey(k, obj[k]); err != nil {
			return nil, err
		}
	}
	if err := req.applyParams(q); err != nil {
		return nil, err
	}
	return req, nil
}

func (req *searchRequest) setBodyKey(k string, v any) *wire.EsError {
	var err *wire.EsError
	switch k {
	case "query":
		if _, isObj := v.(map[string]any); !isObj {
			return wire.ErrParsing("Unknown key for a %s in [query].", wire.TokenKind(v))
		}
		req.query, req.named, err = query.ParseNamedQuery(v)
	case "from", "size":
		f, isNum := wire.AsFloat(v)
		if !isNum || f < math.MinInt32 || f > math.MaxInt32 {
			// Elasticsearch reads both as Java ints, truncating fractions.
			return wire.ErrXContentParse("[search] failed to parse field [%s]: %v is not an int", k, v)
		}
		n := int(f)
		if k == "from" {
			req.from = normaliseWindow(n, 0)
		} else {
			req.size = normaliseWindow(n, 10)
		}
	case "sort":
		req.sort, err = query.ParseSort(v)
	case "_source":
		req.source, err = parseSourceFilter(v)
	case "track_total_hits":
		req.trackTotalUpTo, err = parseTrackTotalHits(v)
	case "track_scores", "version", "seq_no_primary_term":
		b, isBool := wire.AsBool(v)
		if !isBool {
			return wire.ErrParsing("[search] failed to parse field [%s]", k)
		}
		switch k {
		case "track_scores":
			req.trackScores = b
		case "version":
			req.version = b
		default:
			req.seqNoPrimaryTerm = b
		}
	case "min_score":
		f, isNum := wire.AsFloat(v)
		if !isNum {
			return wire.ErrParsing("[search] failed to parse field [min_score]")
		}
		req.minScore = &f
	case "timeout":
		s, isStr := v.(string)
		if !isStr {
			if _, isNum := wire.AsFloat(v); !isNum {
				return wire.ErrParsing("[search] failed to parse field [timeout]")
			}
			s, _ = wire.ScalarText(v)
		}
		req.timeout, err = parseSearchTimeout(s)
	default:
		if unsupportedSearchKeys[k] {
			return wire.ErrParsing("[%s] is not supported by the embedded search engine", k)
		}
		return wire.ErrParsing("Unknown key for a %s in [%s].", wire.TokenKind(v), k)
	}
	return err
}

// normaliseWindow mirrors Elasticsearch 7.17, which treats a negative from or size as
// "use the default".
func normaliseWindow(n, def int) int {
	if n < 0 {
		return def
	}
	return n
}

func parseTrackTotalHits(v any) (int, *wire.EsError) {
	if b, isBool := v.(bool); isBool {
		if b {
			return math.MaxInt, nil
		}
		return trackTotalNever, nil
	}
	n, isInt := wire.AsInt(v)
	if !isInt {
		if s, isStr := v.(string); isStr {
			if b, perr := strconv.ParseBool(s); perr == nil {
				return parseTrackTotalHits(b)
			}
		}
		return 0, wire.ErrParsing("[track_total_hits] must be a boolean or an integer")
	}
	switch {
	case n == -1:
		return trackTotalNever, nil
	case n < 0:
		return 0, wire.ErrIllegalArgument("[track_total_hits] parameter must be positive or equals to -1, got %d", n)
	}
	return n, nil
}

// applyParams applies the query-string parameters, which win over the body.
func (req *searchRequest) applyParams(q paramReader) *wire.EsError {
	for _, name := range []string{"from", "size"} {
		if v, has := q.lookup(name); has {
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil {
				return wire.ErrIllegalArgument("Failed to parse int parameter [%s] with value [%s]", name, v).
					Because(wire.NewError(http.StatusBadRequest, "number_format_exception", "For input string: \"%s\"", v))
			}
			if name == "from" {
				req.from = normaliseWindow(int(n), 0)
			} else {
				req.size = normaliseWindow(int(n), 10)
			}
		}
	}
	if v, has := q.lookup("sort"); has {
		specs, err := query.ParseSortParam(v)
		if err != nil {
			return err
		}
		req.sort = specs
	}
	if _, has := q.lookup("_source"); has || q.get("_source_includes") != "" || q.get("_source_excludes") != "" {
		f, err := sourceFilterFromParams(q)
		if err != nil {
			return err
		}
		req.source = f
	}
	if v, has := q.lookup("track_total_hits"); has {
		n, err := parseTrackTotalHits(v)
		if err != nil {
			return err
		}
		req.trackTotalUpTo = n
	}
	for name, target := range map[string]*bool{"track_scores": &req.trackScores, "version": &req.version, "seq_no_primary_term": &req.seqNoPrimaryTerm, "rest_total_hits_as_int": &req.restTotalAsInt} {
		if v, has := q.lookup(name); has {
			b, err := strconv.ParseBool(v)
			if v == "" {
				b, err = true, nil
			}
			if err != nil {
				return wire.ErrIllegalArgument("Failed to parse value [%s] as only [true] or [false] are allowed.", v)
			}
			*target = b
		}
	}
	if v, has := q.lookup("timeout"); has {
		d, err := parseSearchTimeout(v)
		if err != nil {
			return err
		}
		req.timeout = d
	}
	if req.restTotalAsInt {
		req.trackTotalUpTo = math.MaxInt
	}
	return nil
}

// parseSearchTimeout reads the timeout of a search: a time value ("500ms", "2s"), or -1
// for none.
func parseSearchTimeout(v string) (time.Duration, *wire.EsError) {
	d, err := index.ParseTimeValue(v)
	if err != nil {
		return 0, wire.ErrIllegalArgument("failed to parse setting [timeout] with value [%s] as a time value: unit is missing or unrecognized", v)
	}
	return d, nil
}
