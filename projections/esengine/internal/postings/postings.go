package postings

import (
	"cmp"
	"maps"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// Postings is an inverted index for one field: each distinct value maps to the set of
// documents holding it. Values are kept sorted lazily, so range queries binary-search the
// value space instead of scanning documents, while writes stay O(1): the sort is paid once
// by the first range query after new values arrived.
type Postings[K cmp.Ordered] struct {
	ByKey map[K]List
	sets  []*Set   // the lists of two or more documents, by List's index
	free  []uint32 // unused positions of sets

	// Writers only mark the order stale (they hold the index write lock, so no reader
	// runs). Readers rebuild it under sortMu because several of them may race to do so
	// while holding the index read lock.
	sortMu sync.Mutex
	sorted []K
	stale  bool

	// version counts the writes; the unions ranges open above reuse (suffix.go) hold
	// for one version only. Also under sortMu: openRangeAt, version+1 when such a range
	// last ran (0: never), and the unions.
	version     uint64
	openRangeAt uint64
	suffixes    *suffixUnions

	// own holds, once KeyedByDocument enabled it, the values one of whose documents has
	// the value as its own id, with their lists (own_values.go), instead of ByKey. A
	// value is in one of the two.
	own DocTable[K]
}

// List is the documents holding one value, in four bytes: most values of identifier
// fields (objectId, parent ids) belong to a single document, whose number is then the
// list itself; a list of more is a position in the postings' sets, marked by the top
// bit (document numbers stay below 2^31). A map entry is then 20 bytes, not 32, and
// holds no pointer for the garbage collector to follow.
type List uint32

const setMark List = 1 << 31

func single(doc uint32) List { return List(doc) }

// set returns l's set, or nil when l is a single document.
func (p *Postings[K]) set(l List) *Set {
	if l&setMark == 0 {
		return nil
	}
	return p.sets[l&^setMark]
}

// newSet stores a set of documents a and b and returns its list.
func (p *Postings[K]) newSet(a, b uint32) List {
	s := newPostingSet(a, b)
	if n := len(p.free); n > 0 {
		i := p.free[n-1]
		p.free = p.free[:n-1]
		p.sets[i] = s
		return List(i) | setMark
	}
	p.sets = append(p.sets, s)
	return List(len(p.sets)-1) | setMark
}

// dropSet frees the position of a list's set.
func (p *Postings[K]) dropSet(l List) {
	i := uint32(l &^ setMark)
	p.sets[i] = nil
	p.free = append(p.free, i)
}

// Set is a list of two or more documents: a short sorted array while the value
// is rare, a roaring bitmap once it is common. Many values belong to a handful of
// documents (a plan's routing, a parent's id: a plan's objects), and a roaring bitmap
// costs six allocations and some 150 bytes even for two documents.
type Set struct {
	small []uint32        // sorted; the list while bm is nil
	bm    *roaring.Bitmap // once the list outgrew maxSmallPostings; kept from then on
}

// maxSmallPostings is the longest list kept as an array.
const maxSmallPostings = 16

func newPostingSet(a, b uint32) *Set {
	if a > b {
		a, b = b, a
	}
	small := make([]uint32, 2, 4)
	small[0], small[1] = a, b
	return &Set{small: small}
}

func (s *Set) Add(doc uint32) {
	if s.bm != nil {
		s.bm.Add(doc)
		return
	}
	i, found := slices.BinarySearch(s.small, doc)
	if found {
		return
	}
	if len(s.small) == maxSmallPostings {
		s.bm = roaring.BitmapOf(s.small...)
		s.bm.Add(doc)
		s.small = nil
		return
	}
	s.small = slices.Insert(s.small, i, doc)
}

func (s *Set) Remove(doc uint32) {
	if s.bm != nil {
		s.bm.Remove(doc)
		return
	}
	if i, found := slices.BinarySearch(s.small, doc); found {
		s.small = slices.Delete(s.small, i, i+1)
	}
}

func (s *Set) len() uint64 {
	if s.bm != nil {
		return s.bm.GetCardinality()
	}
	return uint64(len(s.small))
}

// minimum is the smallest document; the set is not empty.
func (s *Set) minimum() uint32 {
	if s.bm != nil {
		return s.bm.Minimum()
	}
	return s.small[0]
}

// ListBitmap returns the documents of a list of p; a bitmap of the index's own, which
// the caller must not modify, once the list is large.
func (p *Postings[K]) ListBitmap(l List) *roaring.Bitmap {
	set := p.set(l)
	switch {
	case set == nil:
		return roaring.BitmapOf(uint32(l))
	case set.bm != nil:
		return set.bm
	}
	return roaring.BitmapOf(set.small...)
}

// changed records a write: the kept unions of ranges no longer hold (suffix.go) and go
// now rather than at the next range. Writers have the postings to themselves.
func (p *Postings[K]) changed() {
	p.version++
	p.suffixes = nil
}

func NewPostings[K cmp.Ordered]() *Postings[K] {
	return &Postings[K]{ByKey: map[K]List{}}
}

// NewPostingsSized makes postings with room for about values distinct values, for a
// caller that knows how many are coming (a load): the map is made once, not grown.
func NewPostingsSized[K cmp.Ordered](values int) *Postings[K] {
	return &Postings[K]{ByKey: make(map[K]List, values)}
}

// KeyedByDocument keeps the values that one of their documents has as its own id out of
// ByKey, in a table keyed by that document's number (own_values.go); idOf returns a
// live document's id. Called again, it binds the postings to another list of the same
// documents (a copy's, a compacted store's) and keeps what they hold.
func (p *Postings[K]) KeyedByDocument(idOf func(doc uint32) K) {
	if p.own.idOf == nil && p.own.count == 0 {
		p.own = NewDocTable(idOf, 0)
		return
	}
	p.own.Bind(idOf)
}

// ReserveOwn makes room for n values that are their document's own id (a load that
// knows how many are coming).
func (p *Postings[K]) ReserveOwn(n int) {
	if p.own.idOf != nil {
		p.own.reserve(n)
	}
}

// lookup returns k's list.
func (p *Postings[K]) lookup(k K) (List, bool) {
	if l, ok := p.ByKey[k]; ok {
		return l, true
	}
	if i := p.ownSlot(k); i >= 0 {
		return p.own.listAt(i), true
	}
	return 0, false
}

// list returns k's list, for a k the postings hold.
func (p *Postings[K]) list(k K) List {
	l, _ := p.lookup(k)
	return l
}

// Len is how many distinct values the postings hold; MapLen how many of them are in
// ByKey, the rest being held by their own document.
func (p *Postings[K]) Len() int    { return len(p.ByKey) + p.own.count }
func (p *Postings[K]) MapLen() int { return len(p.ByKey) }

// EachKey calls fn with every value and its list, in no order.
func (p *Postings[K]) EachKey(fn func(k K, l List)) {
	for k, l := range p.ByKey {
		fn(k, l)
	}
	p.own.each(fn)
}

func (p *Postings[K]) Add(k K, doc uint32) {
	p.changed()
	l, ok := p.ByKey[k]
	switch {
	case !ok:
		p.addUnmapped(k, doc)
	case p.own.idOf != nil && p.own.idOf(doc) == k:
		// k's own document arrives: k moves to the own values.
		delete(p.ByKey, k)
		at, _ := p.own.find(k)
		i := p.own.insertAt(at, doc)
		p.own.setListAt(i, p.addTo(l, doc))
	default:
		p.ByKey[k] = p.addTo(l, doc)
	}
}

// addUnmapped adds doc to k, which ByKey does not hold: to its list among the own
// values, or as a new value, own when k is doc's id, else of ByKey.
func (p *Postings[K]) addUnmapped(k K, doc uint32) {
	if p.own.idOf != nil {
		at, found := p.own.find(k)
		if found {
			p.own.setListAt(at.i, p.addTo(p.own.listAt(at.i), doc))
			return
		}
		if p.own.idOf(doc) == k {
			p.own.insertAt(at, doc)
			p.stale = true
			return
		}
	}
	p.ByKey[k] = single(doc)
	p.stale = true
}

func (p *Postings[K]) Remove(k K, doc uint32) {
	p.changed()
	l, ok := p.ByKey[k]
	if !ok {
		if i := p.ownSlot(k); i >= 0 {
			p.removeOwn(i, k, doc)
		}
		return
	}
	switch rest, left := p.removeFrom(l, doc); {
	case !left:
		delete(p.ByKey, k)
		p.stale = true
	case rest != l:
		p.ByKey[k] = rest
	}
}

// Move replaces document from with document to in k's list, for a document that keeps
// its values (and its id) under a new number; k stays in the index, so the sorted
// order stays valid.
func (p *Postings[K]) Move(k K, from, to uint32) {
	p.changed()
	l, ok := p.ByKey[k]
	if !ok {
		if i := p.ownSlot(k); i >= 0 {
			p.moveOwn(i, k, from, to)
			return
		}
		p.Add(k, to)
		return
	}
	p.ByKey[k] = p.moveIn(l, from, to)
}

// Get returns the documents holding k, or nil. The bitmap may belong to the index and
// must not be modified by the caller.
func (p *Postings[K]) Get(k K) *roaring.Bitmap {
	l, ok := p.lookup(k)
	if !ok {
		return nil
	}
	return p.ListBitmap(l)
}

// keys returns the distinct values in ascending order. The slice is shared and never
// modified afterwards: a rebuild allocates a new one.
func (p *Postings[K]) keys() []K {
	p.sortMu.Lock()
	defer p.sortMu.Unlock()
	if p.stale || p.sorted == nil {
		sorted := make([]K, 0, p.Len())
		for k := range p.ByKey {
			sorted = append(sorted, k)
		}
		p.own.each(func(k K, _ List) { sorted = append(sorted, k) })
		slices.Sort(sorted)
		p.sorted = sorted
		p.stale = false
	}
	return p.sorted
}

// Bound is one end of a range; a nil bound is open.
type Bound[K cmp.Ordered] struct {
	Value     K
	Inclusive bool
	Set       bool
}

// Between returns the union of the postings of every value inside [lo, hi]; universe is
// the number of document slots of the index, scratch lends the bitset of a large union
// (Union). The result may belong to the postings (suffix.go): the caller must not
// modify it.
func (p *Postings[K]) Between(lo, hi Bound[K], universe int, scratch *Scratch) *roaring.Bitmap {
	keys := p.keys()
	start, end := 0, len(keys)
	if lo.Set {
		start, _ = slices.BinarySearch(keys, lo.Value)
		if !lo.Inclusive && start < len(keys) && keys[start] == lo.Value {
			start++
		}
	}
	if hi.Set {
		i, found := slices.BinarySearch(keys, hi.Value)
		if found && hi.Inclusive {
			i++
		}
		end = i
	}
	if start >= end {
		return roaring.New()
	}
	if end == len(keys) {
		if union, from, ok := p.suffixFrom(keys, start, universe); ok {
			return p.unionWith(union, keys[start:from], universe, scratch)
		}
	}
	var sets []*roaring.Bitmap
	var singles []uint32
	for _, k := range keys[start:end] {
		l, _ := p.lookup(k)
		switch set := p.set(l); {
		case set == nil:
			singles = append(singles, uint32(l))
		case set.bm != nil:
			sets = append(sets, set.bm)
		default:
			singles = append(singles, set.small...)
		}
	}
	if len(singles) > 0 {
		sets = append(sets, roaring.BitmapOf(singles...))
	}
	return Union(sets, universe, scratch)
}

// Clone copies the postings: the map, and every list of two or more documents.
func (p *Postings[K]) Clone() *Postings[K] {
	c := &Postings[K]{ByKey: maps.Clone(p.ByKey), sets: make([]*Set, len(p.sets)), free: slices.Clone(p.free), own: p.own.Clone()}
	for i, set := range p.sets {
		if set != nil {
			c.sets[i] = set.Clone()
		}
	}
	p.sortMu.Lock()
	if !p.stale && p.sorted != nil {
		c.sorted = slices.Clone(p.sorted)
	} else {
		c.stale = true
	}
	p.sortMu.Unlock()
	return c
}
