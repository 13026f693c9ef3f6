package postings

import "sync"

// Scratch lends dense bitsets to one query evaluation and takes them all back when it
// ends. A join or a range over a large index builds several bitsets the size of the
// whole index (100 KB and more at 100,000 plans); allocating them afresh for every
// search made the garbage collector, which has to mark the engine's large heap on every
// cycle, the largest cost of a join search.
//
// Bitmaps built from a lent set share its words (DenseSet.Bitmap), so Release may only
// be called once nothing the evaluation produced is in use any more. A nil Scratch
// lends nothing: its sets are ordinary allocations, for callers that keep results.
type Scratch struct {
	lent []*[]uint64
}

// densePool keeps the words of released sets for the next evaluation.
var densePool sync.Pool

// Dense returns an empty set for documents below size.
func (s *Scratch) Dense(size int) *DenseSet {
	if s == nil {
		return NewDenseSet(size)
	}
	n := (size + 63) / 64
	wp, _ := densePool.Get().(*[]uint64)
	if wp == nil || cap(*wp) < n {
		words := make([]uint64, n)
		wp = &words
	} else {
		*wp = (*wp)[:n]
		clear(*wp)
	}
	s.lent = append(s.lent, wp)
	return &DenseSet{Words: *wp}
}

// Release takes back every set lent; the caller no longer uses them nor anything built
// on them.
func (s *Scratch) Release() {
	if s == nil {
		return
	}
	for _, wp := range s.lent {
		densePool.Put(wp)
	}
	s.lent = nil
}
