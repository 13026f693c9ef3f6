package esengine

import "time"

// handleCount answers _count: the exact number of matching documents.
func handleCount(e *Engine, r *request) (reply, error) {
	obj, err := parseBody(r.body)
	if err != nil {
		return reply{}, err
	}
	lastBoundWins(r.body, obj)
	var q query = &matchAllQuery{boost: 1}
	for _, k := range sortedKeys(obj) {
		if k != "query" {
			return reply{}, errParsing("request does not support [%s]", k)
		}
		if _, isObj := obj[k].(map[string]any); !isObj {
			return reply{}, errParsing("request does not support [%s]", k)
		}
		if q, err = parseQuery(obj[k]); err != nil {
			return reply{}, err
		}
	}
	targets, terr := e.resolveSearchTargets(r.vars["index"])
	if terr != nil {
		return reply{}, terr
	}
	var total uint64
	for _, ix := range targets {
		n, cerr := countIndex(ix, q, e.newStop(r.ctx, time.Now(), 0), e.aliasesOf(ix.name))
		if cerr == errStopCancelled {
			return reply{}, cerr
		}
		if cerr != nil {
			return reply{}, asShardFailure(cerr, ix, e.nodeID)
		}
		total += n
	}
	return ok(orderedObject{
		{"count", total},
		{"_shards", orderedObject{{"total", len(targets)}, {"successful", len(targets)}, {"skipped", 0}, {"failed", 0}}},
	}), nil
}

func countIndex(ix *index, q query, stop *searchStop, aliases []string) (uint64, *esError) {
	v, unpin := ix.pin()
	defer unpin()
	c := &evalContext{ix: ix, m: v.m, s: v.s, stop: stop, aliases: aliases}
	d, err := c.eval(q, false)
	if err != nil {
		return 0, err
	}
	return d.docs.GetCardinality(), nil
}
