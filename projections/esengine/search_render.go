package esengine

import (
	"math"
	"slices"
	"time"
)

func renderSearch(req *searchRequest, targets []*index, page []*hit, total uint64, maxScore float64, hasMax bool, took time.Duration) orderedObject {
	byScore := sortedByScoreOnly(req.sort)
	hits := make([]orderedObject, 0, len(page))
	for _, h := range page {
		o := orderedObject{{"_index", h.index}, {"_type", "_doc"}, {"_id", h.id}}
		if req.version {
			o = append(o, orderedField{"_version", h.version})
		}
		if req.seqNoPrimaryTerm {
			o = append(o, orderedField{"_seq_no", h.seqNo}, orderedField{"_primary_term", primaryTerm})
		}
		if byScore || req.trackScores || hasScoreSort(req.sort) {
			o = append(o, orderedField{"_score", score(h.score)})
		} else {
			o = append(o, orderedField{"_score", nil})
		}
		if h.routing != nil {
			o = append(o, orderedField{"_routing", *h.routing})
		}
		src, include := req.source.apply(h.source)
		if len(h.ignored) > 0 && include {
			// Elasticsearch loads _ignored with the stored fields, which _source: false
			// skips.
			o = append(o, orderedField{"_ignored", h.ignored})
		}
		if include {
			o = append(o, orderedField{"_source", src})
		}
		if !byScore {
			values := make([]any, len(h.keys))
			for i, k := range h.keys {
				values[i] = h.fields[i].output(k)
			}
			o = append(o, orderedField{"sort", values})
		}
		if len(h.matched) > 0 {
			o = append(o, orderedField{"matched_queries", h.matched})
		}
		hits = append(hits, o)
	}
	hitsObj := orderedObject{}
	if req.trackTotalUpTo != trackTotalNever {
		if req.restTotalAsInt {
			hitsObj = append(hitsObj, orderedField{"total", total})
		} else {
			value, relation := total, "eq"
			if req.trackTotalUpTo != math.MaxInt && total > uint64(req.trackTotalUpTo) {
				value, relation = uint64(req.trackTotalUpTo), "gte"
			}
			hitsObj = append(hitsObj, orderedField{"total", orderedObject{{"value", value}, {"relation", relation}}})
		}
	}
	if hasMax && req.size > 0 {
		hitsObj = append(hitsObj, orderedField{"max_score", score(maxScore)})
	} else {
		hitsObj = append(hitsObj, orderedField{"max_score", nil})
	}
	hitsObj = append(hitsObj, orderedField{"hits", hits})
	return orderedObject{
		{"took", took.Milliseconds()},
		{"timed_out", false},
		{"_shards", orderedObject{{"total", len(targets)}, {"successful", len(targets)}, {"skipped", 0}, {"failed", 0}}},
		{"hits", hitsObj},
	}
}

func hasScoreSort(specs []sortSpec) bool {
	return slices.ContainsFunc(specs, func(s sortSpec) bool { return s.isScore() })
}
