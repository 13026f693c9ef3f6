package esengine

import (
	"github.com/RoaringBitmap/roaring/v2"
)

type parentIDQuery struct {
	childType      string
	id             string
	hasID          bool
	ignoreUnmapped bool
	boost          float64
}

func parseParentID(_ *queryParser, body any) (query, *esError) {
	obj := body.(map[string]any)
	q := &parentIDQuery{boost: 1}
	for _, k := range sortedKeys(obj) {
		v := obj[k]
		if handled, err := commonOption(k, v, &q.boost); handled {
			if err != nil {
				return nil, err
			}
			continue
		}
		switch k {
		case "type":
			q.childType, _ = scalarText(v)
		case "id":
			q.id, q.hasID = scalarText(v)
		case "ignore_unmapped":
			b, isBool := asBool(v)
			if !isBool {
				return nil, errParsing("[parent_id] failed to parse [%s]", k)
			}
			q.ignoreUnmapped = b
		default:
			return nil, errParsing("[parent_id] query does not support [%s]", k)
		}
	}
	if q.childType == "" {
		return nil, errIllegalArgument("[parent_id] requires 'type' field")
	}
	return q, nil
}

func (q *parentIDQuery) eval(c *evalContext, scoring bool) (docSet, *esError) {
	j := c.m.join
	if j == nil {
		if q.ignoreUnmapped {
			return emptySet(), nil
		}
		return docSet{}, errQueryShard("[parent_id] no join field has been configured")
	}
	parentRel, isChild := j.parentOf[q.childType]
	if !isChild {
		if q.ignoreUnmapped {
			return emptySet(), nil
		}
		return docSet{}, errQueryShard("[parent_id] no relation found for child [%s]", q.childType)
	}
	if !q.hasID {
		return docSet{}, errQueryShard("failed to create query: [parent_id] requires 'id' field")
	}
	field := j.parentField(parentRel)
	withParent := c.keywordDocs(field, q.id, false, scoring)
	childDocs := c.relationDocs(q.childType)
	if childDocs == nil || withParent.docs.IsEmpty() {
		return emptySet(), nil
	}
	withParent.docs = roaring.And(withParent.docs, childDocs)
	return boosted(withParent, q.boost), nil
}
