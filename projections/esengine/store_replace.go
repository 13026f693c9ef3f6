package esengine

import (
	"math"

	"github.com/RoaringBitmap/roaring/v2"
)

// reindexed returns a new document holding exactly d's values, for an unchanged
// re-index. The value slices are shared: nothing modifies them once a document is
// stored. The join is new because the store links it to its own keys.
func (d *storedDoc) reindexed() *storedDoc {
	nd := &storedDoc{
		id: d.id, source: d.source, routing: d.routing,
		terms: d.terms, numbers: d.numbers, tokens: d.tokens, lengths: d.lengths, ignored: d.ignored,
	}
	if d.join != nil {
		// The parent key only carries the id until moveJoin looks the key up again.
		nd.join = &docJoin{relation: d.join.relation, parent: d.join.parent}
	}
	return nd
}

// replace puts d in place of the document at n, under a new number like any update
// (so index order still follows write order), when d indexes exactly the values the old
// document did. Every posting then moves from n to the new number with one lookup, no
// value leaves or enters a postings list, and the sorted values of range queries stay
// valid; remove and add would delete and re-insert each of them.
func (s *store) replace(n uint32, d *storedDoc) {
	if len(s.docs) >= math.MaxInt32-1 {
		s.remove(n)
		s.add(d)
		return
	}
	old := s.docs[n]
	m := uint32(len(s.docs))
	s.docs[n] = nil
	s.dead++
	s.live.Remove(n)
	s.docs = append(s.docs, d)
	s.parentDoc = append(s.parentDoc, -1)
	s.live.Add(m)
	s.byID[d.id] = m
	for _, t := range d.terms {
		s.keywords[t.field].move(t.value, n, m)
	}
	for _, v := range d.numbers {
		s.numbers[v.field].move(v.value, n, m)
	}
	for _, t := range d.tokens {
		moveDoc(s.texts[t.field].tokens[t.token], n, m)
	}
	d.eachField(func(f string) { moveDoc(s.exists[f], n, m) })
	s.moveJoin(old, n, d, m)
}

// moveJoin unlinks the old document's join from number n and links d's at m.
func (s *store) moveJoin(old *storedDoc, n uint32, d *storedDoc, m uint32) {
	if j := old.join; j != nil {
		if j.self != nil && j.self.doc == int64(n) {
			j.self.doc = -1
			s.releaseJoinKey(j.self)
		}
		if j.parent != nil {
			j.parent.children.Remove(n)
			s.parentDoc[n] = -1
			s.releaseJoinKey(j.parent)
		}
	}
	if j := d.join; j != nil {
		j.self = s.joinKey(d.id)
		j.self.doc = int64(m)
		if j.self.children != nil {
			forEach(j.self.children, func(child uint32) { s.parentDoc[child] = int32(m) })
		}
		if j.parent != nil {
			j.parent = s.joinKey(j.parent.id)
			if j.parent.children == nil {
				j.parent.children = roaring.New()
			}
			j.parent.children.Add(m)
			s.parentDoc[m] = int32(j.parent.doc)
		}
	}
}

func moveDoc(bm *roaring.Bitmap, from, to uint32) {
	if bm != nil {
		bm.Remove(from)
		bm.Add(to)
	}
}
