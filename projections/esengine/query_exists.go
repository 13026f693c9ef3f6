package esengine

import (
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
)

// existsQuery matches documents with at least one indexed value in a field, or in any
// field under an object path.
type existsQuery struct {
	field string
	boost float64
}

func parseExists(_ *queryParser, body any) (query, *esError) {
	q := &existsQuery{boost: 1}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, v any) *esError {
		s, ok := v.(string)
		if k != "field" || !ok {
			return errUnsupportedParam("exists", k)
		}
		q.field = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	if q.field == "" {
		return nil, errParsing("[exists] must be provided with a [field]")
	}
	return q, nil
}

func (q *existsQuery) eval(c *evalContext, _ bool) (docSet, *esError) {
	switch q.field {
	case "_source":
		return docSet{}, errQueryShard("The _source field is not searchable")
	case "_id", "_index", "_seq_no", "_version", "_primary_term":
		return constantSet(c.s.live, q.boost), nil
	}
	if strings.ContainsAny(q.field, "*") {
		var sets []*roaring.Bitmap
		for field, bm := range c.s.exists {
			if simpleMatch(q.field, field) {
				sets = append(sets, bm)
			}
		}
		return constantSet(roaring.FastOr(sets...), q.boost), nil
	}
	if bm := c.s.exists[q.field]; bm != nil {
		return constantSet(bm, q.boost), nil
	}
	if obj := c.m.byPath[q.field]; obj != nil && obj.typ == typeObject {
		var sets []*roaring.Bitmap
		for _, leaf := range c.m.leavesUnder(q.field) {
			if bm := c.s.exists[leaf.path]; bm != nil {
				sets = append(sets, bm)
			}
		}
		return constantSet(roaring.FastOr(sets...), q.boost), nil
	}
	return emptySet(), nil
}
