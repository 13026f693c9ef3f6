package query

import (
	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

type hasParentQuery struct {
	innerJoin
	parentType string
	score      bool
}

func parseHasParent(p *queryParser, body any) (Query, *wire.EsError) {
	q := &hasParentQuery{innerJoin: newInnerJoin("has_parent")}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, v any) *wire.EsError {
		switch k {
		case "parent_type", "type":
			q.parentType, _ = wire.ScalarText(v)
		case "score":
			var err *wire.EsError
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

func (q *hasParentQuery) eval(c *EvalContext, scoring bool) (DocSet, *wire.EsError) {
	j, failure := q.joinField(c)
	if failure != nil {
		return q.unmapped(failure)
	}
	if _, isParent := j.Children[q.parentType]; !isParent {
		return q.unmapped(wire.ErrQueryShard("[has_parent] join field [%s] doesn't hold [%s] as a parent", j.Field, q.parentType))
	}
	parentDocs := c.relationDocs(q.parentType)
	if parentDocs == nil {
		return emptySet(), nil
	}
	wantScores := scoring && q.score
	inner, err := c.Eval(q.inner, wantScores)
	if err != nil {
		return DocSet{}, err
	}
	parents := roaring.And(inner.Docs, parentDocs)
	// Most parents have a few children, kept as a short array: those are gathered into
	// one list, and only the large sets are bitmaps to union.
	var childSets []*roaring.Bitmap
	var few []uint32
	tick := c.Every()
	var stopped *wire.EsError
	parents.Iterate(func(parent uint32) bool {
		if stopped = tick(); stopped != nil {
			return false
		}
		if d := c.S.Docs[parent]; d != nil && d.Join != nil && d.Join.Self != nil && d.Join.Self.Children != nil {
			var large *roaring.Bitmap
			if few, large = d.Join.Self.Children.AppendTo(few); large != nil && !large.IsEmpty() {
				childSets = append(childSets, large)
			}
		}
		return true
	})
	if len(few) > 0 {
		childSets = append(childSets, roaring.BitmapOf(few...))
	}
	if stopped != nil {
		return DocSet{}, stopped
	}
	// Only the documents of a child relation of the parent type count (an id may be
	// shared across levels). The children are few next to a relation's documents:
	// intersecting them with each relation in turn costs far less than uniting the
	// relations, whole-index sets, first.
	all := roaring.FastOr(childSets...)
	var inRelations []*roaring.Bitmap
	for _, rel := range j.Children[q.parentType] {
		if bm := c.relationDocs(rel); bm != nil {
			inRelations = append(inRelations, roaring.And(all, bm))
		}
	}
	children := roaring.FastOr(inRelations...)
	if !wantScores {
		return constantSet(children, q.boost), nil
	}
	// With score: true the join ignores its boost and every boost around it
	// (boost_immune.go), but for a zero one.
	if q.boost == 0 {
		return DocSet{Docs: children}, nil
	}
	parentDoc := c.S.ParentDoc
	return immuneSet(DocSet{Docs: children, ScoreFn: func(child uint32) float64 {
		return inner.Score(uint32(parentDoc[child]))
	}}), nil
}
