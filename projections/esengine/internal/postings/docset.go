package postings

import (
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// Helpers for walking and building document sets in the hot paths of joins and ranges.

// batchPool recycles the buffers batches are read into, so iterating a set allocates
// nothing per element and, after warm-up, nothing per call.
var batchPool = sync.Pool{New: func() any {
	b := make([]uint32, 1024)
	return &b
}}

// EachBatch calls fn with successive ascending batches of the documents of bm. Callers
// loop over a batch inline, which costs a fraction of a callback per document.
func EachBatch(bm *roaring.Bitmap, fn func(batch []uint32)) {
	if bm == nil || bm.IsEmpty() {
		return
	}
	bufp := batchPool.Get().(*[]uint32)
	defer batchPool.Put(bufp)
	buf := *bufp
	it := bm.ManyIterator()
	for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
		fn(buf[:n])
	}
}

// ForEach calls fn for every document of bm in ascending order; for the paths where a
// callback per document is cheap enough.
func ForEach(bm *roaring.Bitmap, fn func(doc uint32)) {
	bm.Iterate(func(doc uint32) bool {
		fn(doc)
		return true
	})
}

// denseSet collects document numbers in a plain bitset: adding in random order costs a
// shift and an OR, and the result converts to a roaring bitmap in one pass.
type denseSet struct {
	Words []uint64
	Any   bool
}

func NewDenseSet(size int) *denseSet {
	return &denseSet{Words: make([]uint64, (size+63)/64)}
}

func (d *denseSet) Add(doc uint32) {
	d.Words[doc>>6] |= 1 << (doc & 63)
	d.Any = true
}

// addAll ORs a whole set in.
func (d *denseSet) addAll(bm *roaring.Bitmap) {
	words := d.Words
	EachBatch(bm, func(batch []uint32) {
		for _, doc := range batch {
			words[doc>>6] |= 1 << (doc & 63)
		}
		d.Any = true
	})
}

func (d *denseSet) Bitmap() *roaring.Bitmap {
	if !d.Any {
		return roaring.New()
	}
	return roaring.FromDense(d.Words, false)
}

// Union ORs many posting lists. Pairwise roaring unions of many small sorted arrays
// grow quadratic; past a few lists, setting bits in a flat bitset is linear in the
// documents and several times faster.
func Union(sets []*roaring.Bitmap, universe int) *roaring.Bitmap {
	if len(sets) <= 8 {
		return roaring.FastOr(sets...)
	}
	dense := NewDenseSet(universe)
	for _, bm := range sets {
		dense.addAll(bm)
	}
	return dense.Bitmap()
}

// ForEachIf is forEach when cond holds, and nothing otherwise.
func ForEachIf(cond bool, bm *roaring.Bitmap, fn func(doc uint32)) {
	if cond {
		ForEach(bm, fn)
	}
}
