package esengine

import (
	"cmp"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// postings is an inverted index for one field: each distinct value maps to the set of
// documents holding it. Values are kept sorted lazily, so range queries binary-search the
// value space instead of scanning documents, while writes stay O(1): the sort is paid once
// by the first range query after new values arrived.
type postings[K cmp.Ordered] struct {
	byKey map[K]postingList

	// Writers only mark the order stale (they hold the index write lock, so no reader
	// runs). Readers rebuild it under sortMu because several of them may race to do so
	// while holding the index read lock.
	sortMu sync.Mutex
	sorted []K
	stale  bool
}

// postingList is the documents holding one value. Most values of identifier fields
// (objectId, parent ids) belong to a single document; those are kept inline instead of
// as a roaring bitmap, which divides the objects the garbage collector has to scan.
type postingList struct {
	single uint32
	set    *roaring.Bitmap // nil: the list is exactly {single}
}

func (l postingList) bitmap() *roaring.Bitmap {
	if l.set != nil {
		return l.set
	}
	return roaring.BitmapOf(l.single)
}

func newPostings[K cmp.Ordered]() *postings[K] {
	return &postings[K]{byKey: map[K]postingList{}}
}

func (p *postings[K]) add(k K, doc uint32) {
	l, ok := p.byKey[k]
	switch {
	case !ok:
		p.byKey[k] = postingList{single: doc}
		p.stale = true
	case l.set == nil:
		if l.single != doc {
			p.byKey[k] = postingList{set: roaring.BitmapOf(l.single, doc)}
		}
	default:
		l.set.Add(doc)
	}
}

func (p *postings[K]) remove(k K, doc uint32) {
	l, ok := p.byKey[k]
	if !ok {
		return
	}
	if l.set == nil {
		if l.single == doc {
			delete(p.byKey, k)
			p.stale = true
		}
		return
	}
	l.set.Remove(doc)
	switch l.set.GetCardinality() {
	case 0:
		delete(p.byKey, k)
		p.stale = true
	case 1:
		p.byKey[k] = postingList{single: l.set.Minimum()}
	}
}

// get returns the documents holding k, or nil. The bitmap may belong to the index and
// must not be modified by the caller.
func (p *postings[K]) get(k K) *roaring.Bitmap {
	l, ok := p.byKey[k]
	if !ok {
		return nil
	}
	return l.bitmap()
}

// keys returns the distinct values in ascending order. The slice is shared and never
// modified afterwards: a rebuild allocates a new one.
func (p *postings[K]) keys() []K {
	p.sortMu.Lock()
	defer p.sortMu.Unlock()
	if p.stale || p.sorted == nil {
		sorted := make([]K, 0, len(p.byKey))
		for k := range p.byKey {
			sorted = append(sorted, k)
		}
		slices.Sort(sorted)
		p.sorted = sorted
		p.stale = false
	}
	return p.sorted
}

// bound is one end of a range; a nil bound is open.
type bound[K cmp.Ordered] struct {
	value     K
	inclusive bool
	set       bool
}

// between returns the union of the postings of every value inside [lo, hi]; universe is
// the number of document slots of the index.
func (p *postings[K]) between(lo, hi bound[K], universe int) *roaring.Bitmap {
	keys := p.keys()
	start, end := 0, len(keys)
	if lo.set {
		start, _ = slices.BinarySearch(keys, lo.value)
		if !lo.inclusive && start < len(keys) && keys[start] == lo.value {
			start++
		}
	}
	if hi.set {
		i, found := slices.BinarySearch(keys, hi.value)
		if found && hi.inclusive {
			i++
		}
		end = i
	}
	if start >= end {
		return roaring.New()
	}
	var sets []*roaring.Bitmap
	var singles []uint32
	for _, k := range keys[start:end] {
		if l := p.byKey[k]; l.set != nil {
			sets = append(sets, l.set)
		} else {
			singles = append(singles, l.single)
		}
	}
	if len(singles) > 0 {
		sets = append(sets, roaring.BitmapOf(singles...))
	}
	return union(sets, universe)
}
