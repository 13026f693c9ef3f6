package esengine

import (
	"github.com/RoaringBitmap/roaring/v2"
)

type hasParentQuery struct {
	innerJoin
	parentType string
	score      bool
}

func parseHasParent(p *queryParser, body any) (query, *esError) {
	q := &hasParentQuery{innerJoin: newInnerJoin("has_parent")}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, v any) *esError {
		switch k {
		case "parent_type", "type":
			q.parentType, _ = scalarText(v)
		case "score":
			var err *esError
			q.score, err = q.boolOption(k, v)
			return err
		default:
			return q.option(p, k, v)
		}
		return nil
	})
	if err == nil {
		err = q.requireFields("parent_type", q.parentType)
	}
	if err != nil {
		return nil, err
	}
	return q, nil
}

func (q *hasParentQuery) eval(c *evalContext, scoring bool) (docSet, *esError) {
	j, failure := q.joinField(c)
	if failure != nil {
		return q.unmapped(failure)
	}
	if _, isParent := j.children[q.parentType]; !isParent {
		return q.unmapped(errQueryShard("[has_parent] join field [%s] doesn't hold [%s] as a parent", j.field, q.parentType))
	}
	parentDocs := c.relationDocs(q.parentType)
	if parentDocs == nil {
		return emptySet(), nil
	}
	wantScores := scoring && q.score
	inner, err := c.eval(q.inner, wantScores)
	if err != nil {
		return docSet{}, err
	}
	parents := roaring.And(inner.docs, parentDocs)
	var childSets []*roaring.Bitmap
	tick := c.every()
	var stopped *esError
	parents.Iterate(func(parent uint32) bool {
		if stopped = tick(); stopped != nil {
			return false
		}
		if d := c.s.docs[parent]; d != nil && d.join != nil && d.join.self != nil && d.join.self.children != nil && !d.join.self.children.IsEmpty() {
			childSets = append(childSets, d.join.self.children)
		}
		return true
	})
	if stopped != nil {
		return docSet{}, stopped
	}
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
	// With score: true the join ignores its boost and every boost around it
	// (boost_immune.go), but for a zero one.
	if q.boost == 0 {
		return docSet{docs: children}, nil
	}
	parentDoc := c.s.parentDoc
	return immuneSet(docSet{docs: children, scoreFn: func(child uint32) float64 {
		return inner.score(uint32(parentDoc[child]))
	}}), nil
}
