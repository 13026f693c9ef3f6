package esengine

// matchAllQuery matches every document with a constant score.
type matchAllQuery struct{ boost float64 }

func parseMatchAll(_ *queryParser, body any) (query, *esError) {
	q := &matchAllQuery{boost: 1}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, _ any) *esError {
		inner := errXContentParse("[match_all] unknown field [%s]", k)
		return errParsing("%s", inner.reason).because(inner)
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

func (q *matchAllQuery) eval(c *evalContext, _ bool) (docSet, *esError) {
	return constantSet(c.s.live, q.boost), nil
}
