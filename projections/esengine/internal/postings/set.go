package postings

import (
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// A Set also serves on its own for the documents of one key that starts empty and
// usually stays small: a parent's children in the join graph. A roaring bitmap costs
// some 150 bytes and several allocations even for two documents.

// NewSet returns an empty set.
func NewSet() *Set { return &Set{} }

// IsEmpty reports whether the set holds no document.
func (s *Set) IsEmpty() bool { return s.len() == 0 }

// ForEach calls fn for every document in ascending order.
func (s *Set) ForEach(fn func(doc uint32)) {
	if s.bm != nil {
		ForEach(s.bm, fn)
		return
	}
	for _, doc := range s.small {
		fn(doc)
	}
}

// AppendTo appends the documents of a small set to dst and returns it, with the set's
// bitmap (nil while the set is small) for the caller to union: has_parent gathers the
// children of many parents into one bitmap without a bitmap per parent.
func (s *Set) AppendTo(dst []uint32) ([]uint32, *roaring.Bitmap) {
	if s.bm != nil {
		return dst, s.bm
	}
	return append(dst, s.small...), nil
}

// Clone copies the set.
func (s *Set) Clone() *Set {
	c := &Set{small: slices.Clone(s.small)}
	if s.bm != nil {
		c.bm = s.bm.Clone()
	}
	return c
}
