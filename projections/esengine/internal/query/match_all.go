package query

import "github.com/planstore/planstore/projections/esengine/internal/wire"

// MatchAllQuery matches every document with a constant score.
type MatchAllQuery struct{ Boost float64 }

func parseMatchAll(_ *queryParser, body any) (Query, *wire.EsError) {
	q := &MatchAllQuery{Boost: 1}
	err := eachOption(body.(map[string]any), &q.Boost, func(k string, _ any) *wire.EsError {
		inner := wire.ErrXContentParse("[match_all] unknown field [%s]", k)
		return wire.ErrParsing("%s", inner.Reason).Because(inner)
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

func (q *MatchAllQuery) eval(c *EvalContext, _ bool) (DocSet, *wire.EsError) {
	return constantSet(c.S.Live, q.Boost), nil
}
