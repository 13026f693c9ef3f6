package esengine

// matchAllQuery matches every document with a constant score.
type matchAllQuery struct{ boost float64 }

func parseMatchAll(_ *queryParser, body any) (query, *esError) {
	q := &matchAllQuery{boost: 1}
	for k, v := range body.(map[string]any) {
		if handled, err := commonOption(k, v, &q.boost); handled {
			if err != nil {
				return nil, err
			}
			continue
		}
		inner := errXContentParse("[match_all] unknown field [%s]", k)
		return nil, errParsing("%s", inner.reason).because(inner)
	}
	return q, nil
}

func (q *matchAllQuery) eval(c *evalContext, _ bool) (docSet, *esError) {
	return constantSet(c.s.live, q.boost), nil
}
