package query

import (
	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

type parentIDQuery struct {
	joinOptions
	childType *string // nil when the clause names no relation: a shard failure, not a parse error
	id        string
	hasID     bool
}

func parseParentID(_ *queryParser, body any) (Query, *wire.EsError) {
	q := &parentIDQuery{joinOptions: newJoinOptions("parent_id")}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, v any) *wire.EsError {
		switch k {
		case "type":
			s, isScalar := wire.ScalarText(v)
			if !isScalar {
				return errUnsupportedParam("parent_id", k)
			}
			q.childType = &s
		case "id":
			q.id, q.hasID = wire.ScalarText(v)
		default:
			return q.option(k, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

func (q *parentIDQuery) eval(c *EvalContext, scoring bool) (DocSet, *wire.EsError) {
	j, parentRel, failure := q.parentRelation(c, q.childType)
	if failure != nil {
		return q.unmapped(failure)
	}
	if !q.hasID {
		return DocSet{}, wire.ErrQueryShard("failed to create query: [parent_id] requires 'id' field")
	}
	field := j.ParentField(parentRel)
	withParent := c.keywordDocs(field, q.id, false, scoring)
	childDocs := c.relationDocs(*q.childType)
	if childDocs == nil || withParent.Docs.IsEmpty() {
		return emptySet(), nil
	}
	withParent.Docs = roaring.And(withParent.Docs, childDocs)
	return boosted(withParent, q.boost), nil
}
