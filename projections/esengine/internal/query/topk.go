package query

import (
	"container/heap"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// Candidate is a document competing for a place in the page of hits.
type Candidate struct {
	Shard int // position of its index among the searched ones: ties go to the first
	Doc   uint32
	Score float64
	Keys  []SortKey
}

// Ranking orders candidates: by sort fields when given, else by score descending; ties
// are broken by index then document order, as Elasticsearch does by shard and doc id.
type Ranking struct {
	Fields []*SortField // empty: by score
}

func (r Ranking) Before(a, b *Candidate) bool {
	if len(r.Fields) == 0 {
		if a.Score != b.Score {
			return a.Score > b.Score
		}
	}
	for i, f := range r.Fields {
		if c := f.compare(a.Keys[i], b.Keys[i]); c != 0 {
			return c < 0
		}
	}
	if a.Shard != b.Shard {
		return a.Shard < b.Shard
	}
	return a.Doc < b.Doc
}

// worstFirst is a heap whose root is the candidate ranking last, so the k best seen so
// far are kept by replacing the root.
type worstFirst struct {
	items []*Candidate
	r     Ranking
}

func (h *worstFirst) Len() int           { return len(h.items) }
func (h *worstFirst) Less(i, j int) bool { return h.r.Before(h.items[j], h.items[i]) }
func (h *worstFirst) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *worstFirst) Push(x any)         { h.items = append(h.items, x.(*Candidate)) }
func (h *worstFirst) Pop() any {
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return last
}

// TopK returns the k best documents of docs, best first. make builds a candidate, or
// reports false to stop the collection: the best of those seen so far are returned.
func TopK(docs *roaring.Bitmap, k int, r Ranking, make func(doc uint32) (*Candidate, bool)) []*Candidate {
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
		if r.Before(c, h.items[0]) {
			h.items[0] = c
			heap.Fix(h, 0)
		}
		return true
	})
	out := h.items
	slices.SortFunc(out, func(a, b *Candidate) int {
		if r.Before(a, b) {
			return -1
		}
		return 1
	})
	return out
}

func make0(k int) []*Candidate {
	return make([]*Candidate, 0, min(k, 1024))
}

// FirstK returns the first k documents in index order: the answer when every document
// scores the same and the order is by score.
func FirstK(docs *roaring.Bitmap, k int) []uint32 {
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
