package index

import (
	"math"

	"github.com/RoaringBitmap/roaring/v2"
)

// reindexed returns a new document holding exactly d's values, for an unchanged
// re-index. The encoded values are shared: nothing modifies them once a document is
// stored. The join is new because the store links it to its own keys.
func (d *StoredDoc) reindexed() *StoredDoc {
	nd := &StoredDoc{
		Id: d.Id, data: d.data, Routing: d.Routing,
	}
	if d.Join != nil {
		// The parent key only carries the id until moveJoin looks the key up again.
		nd.Join = &docJoin{Parent: d.Join.Parent}
	}
	return nd
}

// replace puts d in place of the document at n, under a new number like any update
// (so index order still follows write order), when d indexes exactly the values the old
// document did. Every posting then moves from n to the new number with one lookup, no
// value leaves or enters a postings list, and the sorted values of range queries stay
// valid; remove and add would delete and re-insert each of them.
func (s *Store) replace(n uint32, d *StoredDoc) {
	if len(s.Docs) >= math.MaxInt32-1 {
		s.remove(n)
		s.add(d)
		return
	}
	old := s.Docs[n]
	m := uint32(len(s.Docs))
	s.Docs = append(s.Docs, d)
	s.byID.Put(d.Id, m) // before n leaves: the table reads each id from its document
	// So do the keyword postings' own ids: n leaves the list once every posting moved.
	defer func() { s.Docs[n] = nil }()
	s.dead++
	s.Live.Remove(n)
	s.ParentDoc = append(s.ParentDoc, -1)
	s.Live.Add(m)
	d.walk(valueVisitor{
		term:   func(f uint32, value string) { s.Keywords[fieldName(f)].Move(value, n, m) },
		number: func(f uint32, value float64) { s.Numbers[fieldName(f)].Move(value, n, m) },
		token:  func(f uint32, token string, _ int32) { moveDoc(s.Texts[fieldName(f)].Tokens[token], n, m) },
		field:  func(f uint32) { moveDoc(s.Exists[fieldName(f)], n, m) },
	})
	s.moveJoin(old, n, d, m)
}

// moveJoin unlinks the old document's join from number n and links d's at m.
func (s *Store) moveJoin(old *StoredDoc, n uint32, d *StoredDoc, m uint32) {
	if j := old.Join; j != nil {
		if j.Self != nil && j.Self.doc == int64(n) {
			j.Self.doc = -1
			s.releaseJoinKey(j.Self)
		}
		if j.Parent != nil {
			j.Parent.Children.Remove(n)
			s.ParentDoc[n] = -1
			s.releaseJoinKey(j.Parent)
		}
	}
	s.linkJoin(d, m)
}

func moveDoc(bm *roaring.Bitmap, from, to uint32) {
	if bm != nil {
		bm.Remove(from)
		bm.Add(to)
	}
}
