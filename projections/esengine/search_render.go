package esengine

import (
	"math"
	"slices"
	"time"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/query"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

func renderSearch(req *searchRequest, targets []*index.Index, page []*hit, total uint64, maxScore float64, hasMax bool, took time.Duration) wire.OrderedObject {
	byScore := query.SortedByScoreOnly(req.sort)
	hits := make([]wire.OrderedObject, 0, len(page))
	for _, h := range page {
		o := wire.OrderedObject{{Key: "_index", Value: h.index}, {Key: "_type", Value: "_doc"}, {Key: "_id", Value: h.id}}
		if req.version {
			o = append(o, wire.OrderedField{Key: "_version", Value: h.version})
		}
		if req.seqNoPrimaryTerm {
			o = append(o, wire.OrderedField{Key: "_seq_no", Value: h.seqNo}, wire.OrderedField{Key: "_primary_term", Value: index.PrimaryTerm})
		}
		if byScore || req.trackScores || hasScoreSort(req.sort) {
			o = append(o, wire.OrderedField{Key: "_score", Value: wire.Score(h.Score)})
		} else {
			o = append(o, wire.OrderedField{Key: "_score", Value: nil})
		}
		if h.routing != nil {
			o = append(o, wire.OrderedField{Key: "_routing", Value: *h.routing})
		}
		src, include := req.source.apply(h.source)
		if len(h.ignored) > 0 && include {
			// Elasticsearch loads _ignored with the stored fields, which _source: false
			// skips.
			o = append(o, wire.OrderedField{Key: "_ignored", Value: h.ignored})
		}
		if include {
			o = append(o, wire.OrderedField{Key: "_source", Value: src})
		}
		if !byScore {
			values := make([]any, len(h.Keys))
			for i, k := range h.Keys {
				values[i] = h.fields[i].Output(k)
			}
			o = append(o, wire.OrderedField{Key: "sort", Value: values})
		}
		if len(h.matched) > 0 {
			o = append(o, wire.OrderedField{Key: "matched_queries", Value: h.matched})
		}
		hits = append(hits, o)
	}
	hitsObj := wire.OrderedObject{}
	if req.trackTotalUpTo != trackTotalNever {
		if req.restTotalAsInt {
			hitsObj = append(hitsObj, wire.OrderedField{Key: "total", Value: total})
		} else {
			value, relation := total, "eq"
			if req.trackTotalUpTo != math.MaxInt && total > uint64(req.trackTotalUpTo) {
				value, relation = uint64(req.trackTotalUpTo), "gte"
			}
			hitsObj = append(hitsObj, wire.OrderedField{Key: "total", Value: wire.OrderedObject{{Key: "value", Value: value}, {Key: "relation", Value: relation}}})
		}
	}
	if hasMax && req.size > 0 {
		hitsObj = append(hitsObj, wire.OrderedField{Key: "max_score", Value: wire.Score(maxScore)})
	} else {
		hitsObj = append(hitsObj, wire.OrderedField{Key: "max_score", Value: nil})
	}
	hitsObj = append(hitsObj, wire.OrderedField{Key: "hits", Value: hits})
	return wire.OrderedObject{
		{Key: "took", Value: took.Milliseconds()},
		{Key: "timed_out", Value: false},
		{Key: "_shards", Value: wire.OrderedObject{{Key: "total", Value: len(targets)}, {Key: "successful", Value: len(targets)}, {Key: "skipped", Value: 0}, {Key: "failed", Value: 0}}},
		{Key: "hits", Value: hitsObj},
	}
}

func hasScoreSort(specs []query.SortSpec) bool {
	return slices.ContainsFunc(specs, func(s query.SortSpec) bool { return s.IsScore() })
}
