package query

import (
	"math"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/postings"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// Joins run over the join graph kept by the store (see joinKey): has_child evaluates its
// query over the children, then follows each matching child's pointer to its parent;
// has_parent evaluates over the parents, then walks each parent's children bitmap. Both
// cost O(matching documents), never a scan of the index.

// childScoreMode is has_child's score_mode: how children's scores make the parent's.
type childScoreMode int

const (
	scoreNone childScoreMode = iota
	scoreAvg
	scoreSum
	scoreMax
	scoreMin
)

func parseChildScoreMode(s string) (childScoreMode, *wire.EsError) {
	switch s {
	case "none":
		return scoreNone, nil
	case "avg":
		return scoreAvg, nil
	case "sum", "total":
		return scoreSum, nil
	case "max":
		return scoreMax, nil
	case "min":
		return scoreMin, nil
	}
	return 0, wire.ErrIllegalArgument("illegal score_mode [%s]", s)
}

type hasChildQuery struct {
	innerJoin
	childType   string
	scoreMode   childScoreMode
	minChildren int
	maxChildren int
}

func parseHasChild(p *queryParser, body any) (Query, *wire.EsError) {
	q := &hasChildQuery{innerJoin: newInnerJoin("has_child"), minChildren: 1, maxChildren: math.MaxInt32}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, v any) *wire.EsError {
		var err *wire.EsError
		switch k {
		case "type":
			q.childType, _ = wire.ScalarText(v)
		case "score_mode":
			s, _ := v.(string)
			q.scoreMode, err = parseChildScoreMode(s)
		case "min_children", "max_children":
			n, isInt := wire.AsInt(v)
			if !isInt {
				return wire.ErrParsing("[has_child] failed to parse [%s]", k)
			}
			if k == "min_children" {
				q.minChildren = n
			} else {
				q.maxChildren = n
			}
		default:
			err = q.option(p, k, v)
		}
		return err
	})
	if err == nil {
		err = q.requireFields("type", q.childType)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case q.minChildren < 0:
		return nil, wire.ErrIllegalArgument("[has_child] requires non-negative 'min_children' field")
	case q.maxChildren < 0:
		return nil, wire.ErrIllegalArgument("[has_child] requires non-negative 'max_children' field")
	case q.maxChildren < q.minChildren:
		return nil, wire.ErrIllegalArgument("[has_child] 'max_children' is less than 'min_children'")
	}
	return q, nil
}

// childAggregate accumulates the matching children of one parent.
type childAggregate struct {
	count         int
	sum, max, min float64
}

// childAggregates are the aggregates of the parents with matching children.
type childAggregates map[uint32]*childAggregate

// add counts child, a match of inner, for parent, with its score when scoring.
func (aggs childAggregates) add(parent, child uint32, scoring bool, inner DocSet) {
	s := 0.0
	if scoring {
		s = inner.Score(child)
	}
	a := aggs[parent]
	if a == nil {
		aggs[parent] = &childAggregate{count: 1, sum: s, max: s, min: s}
		return
	}
	a.count++
	a.sum += s
	a.max = math.Max(a.max, s)
	a.min = math.Min(a.min, s)
}

// addParents adds the parents of children to parents, checking for a stop between
// runs of 65,536 document slots: a few checks a search.
func addParents(c *EvalContext, children, parents *postings.DenseSet) *wire.EsError {
	const run = 1024
	for from := 0; from < len(children.Words); from += run {
		if stopped := c.Stop.check(); stopped != nil {
			return stopped
		}
		parents.AddImages(children, from, min(from+run, len(children.Words)), c.S.ParentDoc)
	}
	return nil
}

// countChildren adds the parents of children to parents, and counts (and scores,
// when scoring) each parent's matching children in aggs.
func countChildren(c *EvalContext, children, parents *postings.DenseSet, aggs childAggregates, scoring bool, inner DocSet) *wire.EsError {
	parentDoc := c.S.ParentDoc
	var stopped *wire.EsError
	children.EachBatch(func(batch []uint32) bool {
		if stopped = c.Stop.check(); stopped != nil {
			return false
		}
		for _, child := range batch {
			if pd := parentDoc[child]; pd >= 0 {
				parents.Add(uint32(pd))
				aggs.add(uint32(pd), child, scoring, inner)
			}
		}
		return true
	})
	return stopped
}

func (q *hasChildQuery) eval(c *EvalContext, scoring bool) (DocSet, *wire.EsError) {
	_, parentRel, failure := q.parentRelation(c, &q.childType)
	if failure != nil {
		return q.unmapped(failure)
	}
	childDocs := c.relationDocs(q.childType)
	if childDocs == nil {
		return emptySet(), nil
	}
	wantScores := scoring && q.scoreMode != scoreNone
	inner, err := c.Eval(q.inner, wantScores)
	if err != nil {
		return DocSet{}, err
	}
	// The matching children and their parents are bitsets lent by the search: no
	// roaring intersection to allocate.
	universe := len(c.S.Docs)
	children := c.Scratch.Dense(universe)
	children.AddAll(inner.Docs)
	children.Keep(childDocs, c.Scratch)
	counting := wantScores || q.minChildren > 1 || q.maxChildren < math.MaxInt32

	parents := c.Scratch.Dense(universe)
	var aggs childAggregates
	var stopped *wire.EsError
	if counting {
		aggs = childAggregates{}
		stopped = countChildren(c, children, parents, aggs, wantScores, inner)
	} else {
		stopped = addParents(c, children, parents)
	}
	if stopped != nil {
		return DocSet{}, stopped
	}
	// The child's relation fixes its parent's, unless an id is shared across levels;
	// intersecting once is cheaper than checking every parent.
	parents.Keep(c.relationDocsOrEmpty(parentRel), c.Scratch)
	if q.minChildren > 1 || q.maxChildren < math.MaxInt32 {
		for p, a := range aggs {
			if a.count < q.minChildren || a.count > q.maxChildren {
				parents.Remove(p)
			}
		}
	}
	docs := parents.Bitmap()
	if scoring && q.boost == 0 {
		return DocSet{Docs: docs}, nil // a zero boost still zeroes (boost_immune.go)
	}
	if !wantScores {
		if scoring && (q.minChildren > 1 || q.maxChildren < math.MaxInt32) {
			// Counting children makes Lucene's join a scoring one even with score_mode
			// none: every parent scores 1, and boosts are ignored (boost_immune.go).
			return immuneSet(constantSet(docs, 1)), nil
		}
		return constantSet(docs, q.boost), nil
	}
	// A scoring join ignores its boost and every boost around it (boost_immune.go).
	mode := q.scoreMode
	return immuneSet(DocSet{Docs: docs, ScoreFn: func(doc uint32) float64 {
		a := aggs[doc]
		if a == nil {
			return 0
		}
		switch mode {
		case scoreAvg:
			return a.sum / float64(a.count)
		case scoreSum:
			return a.sum
		case scoreMax:
			return a.max
		default:
			return a.min
		}
	}}), nil
}

func (c *EvalContext) relationDocsOrEmpty(name string) *roaring.Bitmap {
	if bm := c.relationDocs(name); bm != nil {
		return bm
	}
	return roaring.New()
}

// relationDocs returns the documents whose join relation is name (may be nil).
func (c *EvalContext) relationDocs(name string) *roaring.Bitmap {
	if c.M.Join == nil {
		return nil
	}
	if p := c.S.Keywords[c.M.Join.Field]; p != nil {
		return p.Get(name)
	}
	return nil
}
