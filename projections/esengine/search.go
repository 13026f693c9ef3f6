package esengine

import (
	"context"
	"slices"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
)

// indexResult is what one index contributes to a search: its total, its best score and
// its best from+size hits, already materialised so the index lock can be released.
type indexResult struct {
	total    uint64
	maxScore float64
	hasMax   bool
	hits     []*hit
	timedOut bool // the timeout expired: hits are those collected until then
}

// hit is a materialised search hit.
type hit struct {
	candidate
	index   string
	id      string
	routing *string
	source  string
	version int64
	seqNo   int64
	fields  []*sortField // the sort as resolved on its index, to print sort values
	matched []string     // matched_queries
	ignored []string     // _ignored
}

func handleSearch(e *Engine, r *request) (reply, error) {
	start := time.Now()
	req, err := parseSearchRequest(r.body, r.params)
	if err != nil {
		return reply{}, err
	}
	targets, err := e.resolveSearchTargets(r.vars["index"])
	if err != nil {
		return reply{}, err
	}
	q := req.query
	if q == nil {
		q = &matchAllQuery{boost: 1}
	}
	stop := e.newStop(r.ctx, start, req.timeout)
	var all []*hit
	var total uint64
	maxScore, hasMax, timedOut := 0.0, false, false
	var ranks ranking
	for i, ix := range targets {
		res, rk, serr := searchIndex(ix, q, req, i, stop, e.aliasesOf(ix.name))
		if serr == errStopCancelled {
			return reply{}, serr
		}
		if serr != nil {
			return reply{}, asShardFailure(serr, ix, e.nodeID)
		}
		ranks = rk
		total += res.total
		all = append(all, res.hits...)
		if res.hasMax && (!hasMax || res.maxScore > maxScore) {
			maxScore, hasMax = res.maxScore, true
		}
		if res.timedOut {
			// Like Elasticsearch: what was collected is the answer, marked timed out.
			timedOut = true
			break
		}
	}
	if len(targets) > 1 {
		slices.SortStableFunc(all, func(a, b *hit) int {
			if ranks.before(&a.candidate, &b.candidate) {
				return -1
			}
			if ranks.before(&b.candidate, &a.candidate) {
				return 1
			}
			return 0
		})
	}
	page := all[min(req.from, len(all)):min(req.from+req.size, len(all))]
	out := renderSearch(req, targets, page, total, maxScore, hasMax, time.Since(start))
	out[1].value = timedOut
	return ok(out), nil
}

// aliasesOf returns the aliases of the index name.
func (e *Engine) aliasesOf(name string) []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.aliasesOfLocked(name)
}

// newStop returns what a search checks to stop early: the client's context and the
// request's timeout (none when timeout <= 0).
func (e *Engine) newStop(ctx context.Context, start time.Time, timeout time.Duration) *searchStop {
	s := &searchStop{ctx: ctx, evaluations: &e.evaluations, hook: e.stopHook}
	if timeout > 0 {
		s.deadline = start.Add(timeout)
	}
	return s
}

// search runs the query on a pinned view of one index: writes to the index go on
// meanwhile, into a copy when needed (index_view.go).
func searchIndex(ix *index, q query, req *searchRequest, shard int, stop *searchStop, aliases []string) (indexResult, ranking, *esError) {
	v, unpin := ix.pin()
	defer unpin()
	if window := req.from + req.size; window > v.settings.maxResultWindow {
		return indexResult{}, ranking{}, errIllegalArgument("Result window is too large, from + size must be less than or equal to: [%d] but was [%d]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.",
			v.settings.maxResultWindow, window)
	}
	c := &evalContext{ix: ix, m: v.m, s: v.s, stop: stop, aliases: aliases}
	byScore := sortedByScoreOnly(req.sort)
	var fields []*sortField
	if !byScore {
		var err *esError
		if fields, err = compileSort(c, req.sort); err != nil {
			// Elasticsearch builds the query before the sort, so a query it refuses is
			// the error reported even when the sort is wrong too.
			if _, qerr := c.eval(q, false); qerr != nil && qerr != errStopTimedOut {
				return indexResult{}, ranking{}, qerr
			}
			return indexResult{}, ranking{}, err
		}
	}
	needScores := byScore || req.trackScores || req.minScore != nil || slices.ContainsFunc(fields, func(f *sortField) bool { return f.kind == sortByScore })
	rank := ranking{fields: fields}
	matched, err := c.eval(q, needScores)
	if err == errStopTimedOut {
		return indexResult{timedOut: true}, rank, nil
	}
	if err != nil {
		return indexResult{}, ranking{}, err
	}
	docs := matched.docs
	if req.minScore != nil {
		docs = filterByScore(docs, matched, *req.minScore)
	}
	res := indexResult{total: docs.GetCardinality()}
	k := req.from + req.size
	var top []*candidate
	switch {
	case byScore && matched.scoreFn == nil:
		// Every document scores the same: the best are the first in index order.
		for _, doc := range firstK(docs, k) {
			top = append(top, &candidate{shard: shard, doc: doc, score: matched.constant})
		}
		if !docs.IsEmpty() {
			res.maxScore, res.hasMax = matched.constant, true
		}
	default:
		s := c.s
		tick := c.every()
		top = topK(docs, k, rank, func(doc uint32) (*candidate, bool) {
			if serr := tick(); serr != nil {
				err = serr
				return nil, false
			}
			cand := &candidate{shard: shard, doc: doc}
			if needScores {
				cand.score = matched.score(doc)
				if !res.hasMax || cand.score > res.maxScore {
					res.maxScore, res.hasMax = cand.score, true
				}
			}
			if len(fields) > 0 {
				cand.keys = make([]sortKey, len(fields))
				for i, f := range fields {
					cand.keys[i] = f.key(s.docs[doc], doc, cand.score)
				}
			}
			return cand, true
		})
		switch err {
		case nil:
		case errStopTimedOut:
			res.timedOut = true // the best of the documents collected so far
		default:
			return indexResult{}, ranking{}, err
		}
	}
	if !byScore && !req.trackScores {
		res.hasMax = false
	}
	res.hits = make([]*hit, len(top))
	hitDocs := make([]uint32, len(top))
	for i, cand := range top {
		d := c.s.docs[cand.doc]
		res.hits[i] = &hit{candidate: *cand, index: ix.name, id: d.id, routing: d.routing, source: d.source, version: d.version, seqNo: d.seqNo, fields: fields, ignored: d.ignored}
		hitDocs[i] = cand.doc
	}
	names, nerr := c.matchedQueries(req.named, hitDocs)
	if nerr != nil && nerr != errStopTimedOut {
		return indexResult{}, ranking{}, nerr
	}
	for i, n := range names {
		res.hits[i].matched = n
	}
	return res, rank, nil
}

func filterByScore(docs *roaring.Bitmap, matched docSet, minScore float64) *roaring.Bitmap {
	out := roaring.New()
	forEach(docs, func(doc uint32) {
		if float32(matched.score(doc)) >= float32(minScore) {
			out.Add(doc)
		}
	})
	return out
}

// asShardFailure turns an error raised while running a search on one index into the
// search_phase_execution_exception Elasticsearch reports for failed shards.
func asShardFailure(e *esError, ix *index, nodeID string) *esError {
	if e.searchPhase != nil {
		return e
	}
	if e.typ == "query_shard_exception" {
		e.meta = append(e.meta, metaField{"index_uuid", ix.uuid}, metaField{"index", ix.name})
	}
	return &esError{status: e.status, typ: e.typ, reason: e.reason, meta: e.meta, causedBy: e.causedBy,
		searchPhase: &searchPhaseFailure{index: ix.name, node: nodeID}}
}
