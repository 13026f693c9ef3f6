package query

import (
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// existsQuery matches documents with at least one indexed value in a field, or in any
// field under an object path.
type existsQuery struct {
	field string
	boost float64
}

func parseExists(_ *queryParser, body any) (Query, *wire.EsError) {
	q := &existsQuery{boost: 1}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, v any) *wire.EsError {
		s, ok := v.(string)
		if k != "field" || !ok {
			return errUnsupportedParam("exists", k)
		}
		q.field = s
		return nil
	})
	return namingField(q, q.field, err, "[exists] must be provided with a [field]")
}

func (q *existsQuery) eval(c *EvalContext, _ bool) (DocSet, *wire.EsError) {
	switch q.field {
	case "_source":
		return DocSet{}, wire.ErrQueryShard("The _source field is not searchable")
	case "_id", "_index", "_seq_no", "_version", "_primary_term":
		return constantSet(c.S.Live, q.boost), nil
	}
	if strings.ContainsAny(q.field, "*") {
		var sets []*roaring.Bitmap
		for field, bm := range c.S.Exists {
			if simpleMatch(q.field, field) {
				sets = append(sets, bm)
			}
		}
		return constantSet(union(sets), q.boost), nil
	}
	if bm := c.S.Exists[q.field]; bm != nil {
		return constantSet(bm, q.boost), nil
	}
	if obj := c.M.ByPath[q.field]; obj != nil && obj.Typ == mapping.TypeObject {
		var sets []*roaring.Bitmap
		for _, leaf := range c.M.LeavesUnder(q.field) {
			if bm := c.S.Exists[leaf.Path]; bm != nil {
				sets = append(sets, bm)
			}
		}
		return constantSet(union(sets), q.boost), nil
	}
	return emptySet(), nil
}

// namingField finishes parsing a query that must name a field: the options' error
// first, then missing (an Elasticsearch parsing message) when no field was named.
func namingField(q Query, field string, err *wire.EsError, missing string) (Query, *wire.EsError) {
	if err != nil {
		return nil, err
	}
	if field == "" {
		return nil, wire.ErrParsing("%s", missing)
	}
	return q, nil
}
