package esengine

import (
	"github.com/RoaringBitmap/roaring/v2"
)

type parentIDQuery struct {
	joinOptions
	childType *string // nil when the clause names no relation: a shard failure, not a parse error
	id        string
	hasID     bool
}

func parseParentID(_ *queryParser, body any) (query, *esError) {
	q := &parentIDQuery{joinOptions: newJoinOptions("parent_id")}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, v any) *esError {
		switch k {
		case "type":
			s, isScalar := scalarText(v)
			if !isScalar {
				return errUnsupportedParam("parent_id", k)
			}
			q.childType = &s
		case "id":
			q.id, q.hasID = scalarText(v)
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

func (q *parentIDQuery) eval(c *evalContext, scoring bool) (docSet, *esError) {
	j, parentRel, failure := q.parentRelation(c, q.childType)
	if failure != nil {
		return q.unmapped(failure)
	}
	if !q.hasID {
		return docSet{}, errQueryShard("failed to create query: [parent_id] requires 'id' field")
	}
	field := j.parentField(parentRel)
	withParent := c.keywordDocs(field, q.id, false, scoring)
	childDocs := c.relationDocs(*q.childType)
	if childDocs == nil || withParent.docs.IsEmpty() {
		return emptySet(), nil
	}
	withParent.docs = roaring.And(withParent.docs, childDocs)
	return boosted(withParent, q.boost), nil
}
