package esengine

import (
	"context"
	"slices"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/postings"
	"github.com/planstore/planstore/projections/esengine/internal/query"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
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
	query.Candidate
	index   string
	id      string
	routing *string
	source  string
	version int64
	seqNo   int64
	fields  []*query.SortField // the sort as resolved on its index, to print sort values
	matched []string           // matched_queries
	ignored []string           // _ignored
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
		q = &query.MatchAllQuery{Boost: 1}
	}
	stop := e.newStop(r.ctx, start, req.timeout)
	var all []*hit
	var total uint64
	maxScore, hasMax, timedOut := 0.0, false, false
	var ranks query.Ranking
	for i, ix := range targets {
		res, rk, serr := searchIndex(ix, q, req, i, stop, e.aliasesOf(ix.Name))
		if serr == query.ErrStopCancelled {
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
			if ranks.Before(&a.Candidate, &b.Candidate) {
				return -1
			}
			if ranks.Before(&b.Candidate, &a.Candidate) {
				return 1
			}
			return 0
		})
	}
	page := all[min(req.from, len(all)):min(req.from+req.size, len(all))]
	out := renderSearch(req, targets, page, total, maxScore, hasMax, time.Since(start))
	out[1].Value = timedOut
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
func (e *Engine) newStop(ctx context.Context, start time.Time, timeout time.Duration) *query.SearchStop {
	s := &query.SearchStop{Ctx: ctx, Evaluations: &e.evaluations, Hook: e.stopHook}
	if timeout > 0 {
		s.Deadline = start.Add(timeout)
	}
	return s
}

// search runs the query on a pinned view of one index: writes to the index go on
// meanwhile, into a copy when needed (internal/index/view.go).
func searchIndex(ix *index.Index, q query.Query, req *searchRequest, shard int, stop *query.SearchStop, aliases []string) (indexResult, query.Ranking, *wire.EsError) {
	v, unpin := ix.Pin()
	defer unpin()
	if window := req.from + req.size; window > v.Settings.MaxResultWindow {
		return indexResult{}, query.Ranking{}, wire.ErrIllegalArgument("Result window is too large, from + size must be less than or equal to: [%d] but was [%d]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.",
			v.Settings.MaxResultWindow, window)
	}
	// What the evaluation lends (postings.Scratch) is taken back once the hits are
	// materialised: the result holds document numbers and copies, no set.
	c := &query.EvalContext{Ix: ix, M: v.M, S: v.S, Stop: stop, Aliases: aliases, Scratch: &postings.Scratch{}}
	defer c.Scratch.Release()
	byScore := query.SortedByScoreOnly(req.sort)
	var fields []*query.SortField
	if !byScore {
		var err *wire.EsError
		if fields, err = query.CompileSort(c, req.sort); err != nil {
			// Elasticsearch builds the query before the sort, so a query it refuses is
			// the error reported even when the sort is wrong too.
			if _, qerr := c.Eval(q, false); qerr != nil && qerr != query.ErrStopTimedOut {
				return indexResult{}, query.Ranking{}, qerr
			}
			return indexResult{}, query.Ranking{}, err
		}
	}
	needScores := byScore || req.trackScores || req.minScore != nil || slices.ContainsFunc(fields, func(f *query.SortField) bool { return f.Kind == query.SortByScore })
	rank := query.Ranking{Fields: fields}
	matched, err := c.Eval(q, needScores)
	if err == query.ErrStopTimedOut {
		return indexResult{timedOut: true}, rank, nil
	}
	if err != nil {
		return indexResult{}, query.Ranking{}, err
	}
	docs := matched.Docs
	if req.minScore != nil {
		docs = filterByScore(docs, matched, *req.minScore)
	}
	res := indexResult{total: docs.GetCardinality()}
	k := req.from + req.size
	var top []*query.Candidate
	switch {
	case byScore && matched.ScoreFn == nil:
		// Every document scores the same: the best are the first in index order.
		for _, doc := range query.FirstK(docs, k) {
			top = append(top, &query.Candidate{Shard: shard, Doc: doc, Score: matched.Constant})
		}
		if !docs.IsEmpty() {
			res.maxScore, res.hasMax = matched.Constant, true
		}
	default:
		s := c.S
		tick := c.Every()
		top = query.TopK(docs, k, rank, func(doc uint32) (*query.Candidate, bool) {
			if serr := tick(); serr != nil {
				err = serr
				return nil, false
			}
			cand := &query.Candidate{Shard: shard, Doc: doc}
			if needScores {
				cand.Score = matched.Score(doc)
				if !res.hasMax || cand.Score > res.maxScore {
					res.maxScore, res.hasMax = cand.Score, true
				}
			}
			if len(fields) > 0 {
				cand.Keys = make([]query.SortKey, len(fields))
				for i, f := range fields {
					cand.Keys[i] = f.Key(s.Docs[doc], doc, cand.Score)
				}
			}
			return cand, true
		})
		switch err {
		case nil:
		case query.ErrStopTimedOut:
			res.timedOut = true // the best of the documents collected so far
		default:
			return indexResult{}, query.Ranking{}, err
		}
	}
	if !byScore && !req.trackScores {
		res.hasMax = false
	}
	res.hits = make([]*hit, len(top))
	hitDocs := make([]uint32, len(top))
	for i, cand := range top {
		d := c.S.Docs[cand.Doc]
		res.hits[i] = &hit{Candidate: *cand, index: ix.Name, id: d.Id, routing: d.Routing, source: c.S.Source(d), version: d.Version, seqNo: d.SeqNo, fields: fields, ignored: d.Ignored()}
		hitDocs[i] = cand.Doc
	}
	names, nerr := c.MatchedQueries(req.named, hitDocs)
	if nerr != nil && nerr != query.ErrStopTimedOut {
		return indexResult{}, query.Ranking{}, nerr
	}
	for i, n := range names {
		res.hits[i].matched = n
	}
	return res, rank, nil
}

func filterByScore(docs *roaring.Bitmap, matched query.DocSet, minScore float64) *roaring.Bitmap {
	out := roaring.New()
	postings.ForEach(docs, func(doc uint32) {
		if float32(matched.Score(doc)) >= float32(minScore) {
			out.Add(doc)
		}
	})
	return out
}

// asShardFailure turns an error raised while running a search on one index into the
// search_phase_execution_exception Elasticsearch reports for failed shards.
func asShardFailure(e *wire.EsError, ix *index.Index, nodeID string) *wire.EsError {
	if e.SearchPhase != nil {
		return e
	}
	if e.Typ == "query_shard_exception" {
		e.Meta = append(e.Meta, wire.MetaField{Key: "index_uuid", Value: ix.Uuid}, wire.MetaField{Key: "index", Value: ix.Name})
	}
	return &wire.EsError{Status: e.Status, Typ: e.Typ, Reason: e.Reason, Meta: e.Meta, CausedBy: e.CausedBy,
		SearchPhase: &wire.SearchPhaseFailure{Index: ix.Name, Node: nodeID}}
}
