package esengine

import (
	"time"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/postings"
	"github.com/planstore/planstore/projections/esengine/internal/query"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// handleCount answers _count: the exact number of matching documents.
func handleCount(e *Engine, r *request) (reply, error) {
	obj, err := wire.ParseBody(r.body)
	if err != nil {
		return reply{}, err
	}
	index.LastBoundWins(r.body, obj)
	var q query.Query = &query.MatchAllQuery{Boost: 1}
	for _, k := range mapping.SortedKeys(obj) {
		if k != "query" {
			return reply{}, wire.ErrParsing("request does not support [%s]", k)
		}
		if _, isObj := obj[k].(map[string]any); !isObj {
			return reply{}, wire.ErrParsing("request does not support [%s]", k)
		}
		if q, err = query.ParseQuery(obj[k]); err != nil {
			return reply{}, err
		}
	}
	targets, terr := e.resolveSearchTargets(r.vars["index"])
	if terr != nil {
		return reply{}, terr
	}
	var total uint64
	for _, ix := range targets {
		n, cerr := countIndex(ix, q, e.newStop(r.ctx, time.Now(), 0), e.aliasesOf(ix.Name))
		if cerr == query.ErrStopCancelled {
			return reply{}, cerr
		}
		if cerr != nil {
			return reply{}, asShardFailure(cerr, ix, e.nodeID)
		}
		total += n
	}
	return ok(wire.OrderedObject{
		{Key: "count", Value: total},
		{Key: "_shards", Value: wire.OrderedObject{{Key: "total", Value: len(targets)}, {Key: "successful", Value: len(targets)}, {Key: "skipped", Value: 0}, {Key: "failed", Value: 0}}},
	}), nil
}

func countIndex(ix *index.Index, q query.Query, stop *query.SearchStop, aliases []string) (uint64, *wire.EsError) {
	v, unpin := ix.Pin()
	defer unpin()
	c := &query.EvalContext{Ix: ix, M: v.M, S: v.S, Stop: stop, Aliases: aliases, Scratch: &postings.Scratch{}}
	defer c.Scratch.Release()
	d, err := c.Eval(q, false)
	if err != nil {
		return 0, err
	}
	return d.Docs.GetCardinality(), nil
}
