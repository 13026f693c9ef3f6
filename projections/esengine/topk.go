package esengine

import (
	"container/heap"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// candidate is a document competing for a place in the page of hits.
type candidate struct {
	shard int // position of its index among the searched ones: ties go to the first
	doc   uint32
	score float64
	keys  []sortKey
}

// ranking orders candidates: by sort fields when given, else by score descending; ties
// are broken by index then document order, as Elasticsearch does by shard and doc id.
type ranking struct {
	fields []*sortField // empty: by score
}

func (r ranking) before(a, b *candidate) bool {
	if len(r.fields) == 0 {
		if a.score != b.score {
			return a.score > b.score
		}
	}
	for i, f := range r.fields {
		if c := f.compare(a.keys[i], b.keys[i]); c != 0 {
			return c < 0
		}
	}
	if a.shard != b.shard {
		return a.shard < b.shard
	}
	return a.doc < b.doc
}

// worstFirst is a heap whose root is the candidate ranking last, so the k best seen so
// far are kept by replacing the root.
type worstFirst struct {
	items []*candidate
	r     ranking
}

func (h *worstFirst) Len() int           { return len(h.items) }
func (h *worstFirst) Less(i, j int) bool { return h.r.before(h.items[j], h.items[i]) }
func (h *worstFirst) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *worstFirst) Push(x any)         { h.items = append(h.items, x.(*candidate)) }
func (h *worstFirst) Pop() any {
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return last
}

// topK returns the k best documents of docs, best first. make builds a candidate, or
// reports false to stop the collection: the best of those seen so far are returned.
func topK(docs *roaring.Bitmap, k int, r ranking, make func(doc uint32) (*candidate, bool)) []*candidate {
	if k <= 0 {
		return nil
	}
	h := &worstFirst{items: make0(k), r: r}
	docs.Iterate(func(doc uint32) bool {
		c, more := make(doc)
		if !more {
			return false
		}
		if h.Len() < k {
			heap.Push(h, c)
			return true
		}
		if r.before(c, h.items[0]) {
			h.items[0] = c
			heap.Fix(h, 0)
		}
		return true
	})
	out := h.items
	slices.SortFunc(out, func(a, b *candidate) int {
		if r.before(a, b) {
			return -1
		}
		return 1
	})
	return out
}

func make0(k int) []*candidate {
	return make([]*candidate, 0, min(k, 1024))
}

// firstK returns the first k documents in index order: the answer when every document
// scores the same and the order is by score.
func firstK(docs *roaring.Bitmap, k int) []uint32 {
	if k <= 0 {
		return nil
	}
	out := make([]uint32, 0, min(k, 1024))
	it := docs.Iterator()
	for it.HasNext() && len(out) < k {
		out = append(out, it.Next())
	}
	return out
}
