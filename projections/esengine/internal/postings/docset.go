package postings

import (
	"math/bits"
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

// DenseSet collects document numbers in a plain bitset: adding in random order costs a
// shift and an OR, and the result converts to a roaring bitmap in one pass.
type DenseSet struct {
	Words []uint64
	Any   bool
}

func NewDenseSet(size int) *DenseSet {
	return &DenseSet{Words: make([]uint64, (size+63)/64)}
}

func (d *DenseSet) Add(doc uint32) {
	d.Words[doc>>6] |= 1 << (doc & 63)
	d.Any = true
}

func (d *DenseSet) Remove(doc uint32) {
	d.Words[doc>>6] &^= 1 << (doc & 63)
}

// AddAll ORs a whole set in. Into an empty set, or from a bitmap made only of array
// containers (a posting list of a value held by a few documents per 65,536), the set is
// written straight into the words, a fraction of the cost of iterating it (runs are
// ORed too); roaring's WriteDenseTo copies a bitmap container over the words instead of
// ORing it, so a bitmap holding one is iterated when the set already has documents.
func (d *DenseSet) AddAll(bm *roaring.Bitmap) {
	if bm.IsEmpty() {
		return
	}
	if !d.Any || bm.Stats().BitmapContainers == 0 {
		d.Any = true
		bm.WriteDenseTo(d.Words)
		return
	}
	words := d.Words
	EachBatch(bm, func(batch []uint32) {
		for _, doc := range batch {
			words[doc>>6] |= 1 << (doc & 63)
		}
	})
}

// Keep removes the documents not in bm, through a set lent by scratch: ANDing two
// bitsets word by word costs less than a roaring intersection, and allocates nothing.
func (d *DenseSet) Keep(bm *roaring.Bitmap, scratch *Scratch) {
	if !d.Any {
		return
	}
	mask := scratch.Dense(len(d.Words) * 64)
	mask.AddAll(bm)
	for i, w := range mask.Words {
		d.Words[i] &= w
	}
}

// EachBatch calls fn with successive ascending batches of the documents of the set,
// until fn returns false.
func (d *DenseSet) EachBatch(fn func(batch []uint32) bool) {
	if !d.Any {
		return
	}
	bufp := batchPool.Get().(*[]uint32)
	defer batchPool.Put(bufp)
	buf := (*bufp)[:0]
	for i, w := range d.Words {
		for w != 0 {
			buf = append(buf, uint32(i)<<6|uint32(bits.TrailingZeros64(w)))
			w &= w - 1
		}
		// A word adds at most 64 documents: flush while the next one still fits.
		if len(buf) > cap(buf)-64 {
			if !fn(buf) {
				return
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		fn(buf)
	}
}

// AddImages adds, for every document of src in its words [from, to), the document
// image maps it to, if any (a negative entry maps to none): the parents of children,
// for has_child. One pass over the words, without a call per document, is what a join
// over tens of thousands of children costs.
func (d *DenseSet) AddImages(src *DenseSet, from, to int, image []int32) {
	words := d.Words
	added := false
	for i, w := range src.Words[from:to] {
		base := uint32(from+i) << 6
		for w != 0 {
			doc := base | uint32(bits.TrailingZeros64(w))
			w &= w - 1
			if m := image[doc]; m >= 0 {
				words[m>>6] |= 1 << (m & 63)
				added = true
			}
		}
	}
	if added {
		d.Any = true
	}
}

// Bitmap returns the set as a roaring bitmap; its large containers share the words, so
// the set must not change while the bitmap is in use.
func (d *DenseSet) Bitmap() *roaring.Bitmap {
	if !d.Any {
		return roaring.New()
	}
	return roaring.FromDense(d.Words, false)
}

// Union ORs many posting lists. Pairwise roaring unions of many small sorted arrays
// grow quadratic; past a few lists, setting bits in a flat bitset is linear in the
// documents and several times faster. The bitset comes from scratch (nil: a new one),
// which the result shares.
func Union(sets []*roaring.Bitmap, universe int, scratch *Scratch) *roaring.Bitmap {
	if len(sets) <= 8 {
		return roaring.FastOr(sets...)
	}
	dense := scratch.Dense(universe)
	for _, bm := range sets {
		dense.AddAll(bm)
	}
	return dense.Bitmap()
}
