package query

import (
	"cmp"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// Combining the results of several clauses: the boolean algebra on document sets and
// the score sums that go with it, shared by bool and match.

// union ORs result sets. One set is returned as it is rather than copied (roaring's
// FastOr clones it): results are never modified (DocSet), and a confined search's
// filter is one organisation's whole posting list.
func union(sets []*roaring.Bitmap) *roaring.Bitmap {
	if len(sets) == 1 {
		return sets[0]
	}
	return roaring.FastOr(sets...)
}

// intersection ANDs result sets. When even the smallest is dense, roaring's And makes
// a fresh 8 KB container for every 65,536 documents, and copies one whole when the other
// side is a full run; ANDing the words of a bitset the search lends allocates only the
// result's sparse parts.
func (c *EvalContext) intersection(sets []*roaring.Bitmap) *roaring.Bitmap {
	// Every result holds live documents only, so a set as large as the live documents
	// is all of them and leaves the others unchanged: a confined search's filter when
	// its organisation holds every document.
	live := c.S.Live.GetCardinality()
	rest := slices.DeleteFunc(slices.Clone(sets), func(s *roaring.Bitmap) bool {
		return s.GetCardinality() == live
	})
	switch len(rest) {
	case 0:
		return sets[0]
	case 1:
		return rest[0]
	}
	sets = rest
	universe := len(c.S.Docs)
	smallest := slices.MinFunc(sets, func(a, b *roaring.Bitmap) int {
		return cmp.Compare(a.GetCardinality(), b.GetCardinality())
	})
	// A bitmap container holds more than 4,096 of its 65,536 documents: below that
	// average density roaring's intersections walk sorted arrays and allocate little.
	if smallest.GetCardinality()*16 < uint64(universe) {
		return roaring.FastAnd(sets...)
	}
	dense := c.Scratch.Dense(universe)
	dense.AddAll(smallest)
	for _, s := range sets {
		if s != smallest {
			dense.Keep(s, c.Scratch)
		}
	}
	return dense.Bitmap()
}

// conjunction intersects results and sums their scores; with no clause it is all.
func conjunction(clauses []DocSet, all *roaring.Bitmap) DocSet {
	if len(clauses) == 0 {
		return constantSet(all, 0)
	}
	docs := clauses[0].Docs
	if len(clauses) > 1 {
		sets := make([]*roaring.Bitmap, len(clauses))
		for i, c := range clauses {
			sets[i] = c.Docs
		}
		docs = roaring.FastAnd(sets...)
	}
	return sumScores(docs, clauses)
}

// disjunction keeps documents matching at least msm of the clauses and sums the scores
// of the clauses each matches.
func disjunction(clauses []DocSet, msm int) DocSet {
	sets := make([]*roaring.Bitmap, len(clauses))
	for i, c := range clauses {
		sets[i] = c.Docs
	}
	var docs *roaring.Bitmap
	switch {
	case msm <= 1:
		docs = union(sets)
	case msm > len(clauses):
		docs = roaring.New()
	default:
		docs = atLeast(sets, msm)
	}
	return sumMatchingScores(docs, clauses)
}

// atLeast returns the documents present in at least k of the sets.
func atLeast(sets []*roaring.Bitmap, k int) *roaring.Bitmap {
	counts := map[uint32]int{}
	for _, s := range sets {
		it := s.Iterator()
		for it.HasNext() {
			counts[it.Next()]++
		}
	}
	out := roaring.New()
	for doc, n := range counts {
		if n >= k {
			out.Add(doc)
		}
	}
	return out
}

// sumScores adds the scores of clauses every document of docs matches.
func sumScores(docs *roaring.Bitmap, clauses []DocSet) DocSet {
	allConstant := true
	total := 0.0
	for _, c := range clauses {
		if c.ScoreFn != nil {
			allConstant = false
		}
		total += c.Constant
	}
	if allConstant {
		return constantSet(docs, total)
	}
	return DocSet{Docs: docs, ScoreFn: func(doc uint32) float64 {
		s := 0.0
		for _, c := range clauses {
			s += c.Score(doc)
		}
		return s
	}}
}

// sumMatchingScores adds, per document, the scores of the clauses it matches.
func sumMatchingScores(docs *roaring.Bitmap, clauses []DocSet) DocSet {
	if len(clauses) == 1 {
		return DocSet{Docs: docs, ScoreFn: clauses[0].ScoreFn, Constant: clauses[0].Constant}
	}
	return DocSet{Docs: docs, ScoreFn: func(doc uint32) float64 {
		s := 0.0
		for _, c := range clauses {
			if c.Docs.Contains(doc) {
				s += c.Score(doc)
			}
		}
		return s
	}}
}
