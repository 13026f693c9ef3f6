package esengine

import (
	"github.com/RoaringBitmap/roaring/v2"
)

type hasParentQuery struct {
	parentType     string
	inner          query
	score          bool
	ignoreUnmapped bool
	boost          float64
}

func parseHasParent(p *queryParser, body any) (query, *esError) {
	obj := body.(map[string]any)
	q := &hasParentQuery{boost: 1}
	for _, k := range sortedKeys(obj) {
		v := obj[k]
		if handled, err := commonOption(k, v, &q.boost); handled {
			if err != nil {
				return nil, err
			}
			continue
		}
		var err *esError
		switch k {
		case "query":
			if _, isObj := v.(map[string]any); !isObj {
				return nil, errParsing("[has_parent] query does not support [%s]", k)
			}
			q.inner, err = p.parse(v)
		case "parent_type", "type":
			q.parentType, _ = scalarText(v)
		case "score":
			b, isBool := asBool(v)
			if !isBool {
				return nil, errParsing("[has_parent] failed to parse [%s]", k)
			}
			q.score = b
		case "ignore_unmapped":
			b, isBool := asBool(v)
			if !isBool {
				return nil, errParsing("[has_parent] failed to parse [%s]", k)
			}
			q.ignoreUnmapped = b
		case "inner_hits":
			err = errParsing("[has_parent] inner_hits are not supported by the embedded search engine")
		default:
			err = errParsing("[has_parent] query does not support [%s]", k)
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case q.parentType == "":
		return nil, errIllegalArgument("[has_parent] requires 'parent_type' field")
	case q.inner == nil:
		return nil, errIllegalArgument("[has_parent] requires 'query' field")
	}
	return q, nil
}

func (q *hasParentQuery) eval(c *evalContext, scoring bool) (docSet, *esError) {
	j := c.m.join
	if j == nil {
		if q.ignoreUnmapped {
			return emptySet(), nil
		}
		return docSet{}, errQueryShard("[has_parent] no join field has been configured")
	}
	if _, isParent := j.children[q.parentType]; !isParent {
		if q.ignoreUnmapped {
			return emptySet(), nil
		}
		return docSet{}, errQueryShard("[has_parent] join field [%s] doesn't hold [%s] as a parent", j.field, q.parentType)
	}
	parentDocs := c.relationDocs(q.parentType)
	if parentDocs == nil {
		return emptySet(), nil
	}
	wantScores := scoring && q.score
	inner, err := q.inner.eval(c, wantScores)
	if err != nil {
		return docSet{}, err
	}
	parents := roaring.And(inner.docs, parentDocs)
	var childSets []*roaring.Bitmap
	forEach(parents, func(parent uint32) {
		if d := c.s.docs[parent]; d != nil && d.join != nil && d.join.self != nil && d.join.self.children != nil && !d.join.self.children.IsEmpty() {
			childSets = append(childSets, d.join.self.children)
		}
	})
	var relations []*roaring.Bitmap
	for _, rel := range j.children[q.parentType] {
		if bm := c.relationDocs(rel); bm != nil {
			relations = append(relations, bm)
		}
	}
	children := roaring.FastOr(childSets...)
	children.And(roaring.FastOr(relations...))
	if !wantScores {
		return constantSet(children, q.boost), nil
	}
	parentDoc, boost := c.s.parentDoc, q.boost
	return docSet{docs: children, scoreFn: func(child uint32) float64 {
		return boost * inner.score(uint32(parentDoc[child]))
	}}, nil
}
