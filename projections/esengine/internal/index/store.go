package index

import (
	"cmp"
	"math"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/postings"
)

// StoredDoc is one indexed document: its source as given and every value it put into the
// inverted indexes, so the engine can take it out again on update or delete without
// re-parsing, and can sort on field values without a separate column store.
//
// Both are held in data, one pointer-free string: a uvarint header (the stored
// source's length << 1 | 1 when its keys are abbreviated, stored_source.go), the stored
// source, then the encoded values (stored_values.go), which refer to substrings of the
// source by offset. Store.Source gives the source back as it was given.
type StoredDoc struct {
	Id      string
	data    string
	Routing *string
	Version int64
	SeqNo   int64
	Join    *docJoin
}

// storedSource returns the source as stored, whether its keys are abbreviated, and
// where the encoded values start.
func (d *StoredDoc) storedSource() (src string, abbreviated bool, values int) {
	r := valueReader{data: d.data}
	x := int(r.uvarint())
	n := x >> 1
	return d.data[r.i : r.i+n], x&1 == 1, r.i + n
}

// Source returns d's source as it was given (compact JSON).
func (s *Store) Source(d *StoredDoc) string {
	src, abbreviated, _ := d.storedSource()
	var k *keyDict
	if s != nil {
		k = s.keys
	}
	return expandSource(k, src, abbreviated)
}

// sameSource reports whether d was indexed from exactly src.
func (s *Store) sameSource(d *StoredDoc, src []byte) bool {
	stored, abbreviated, _ := d.storedSource()
	return sameSource(s.keys, stored, abbreviated, src)
}

type IndexedTerm struct{ Field, Value string }

type IndexedNumber struct {
	Field string
	Value float64
}

type IndexedToken struct {
	Field, Token string
	Freq         int32
}

type FieldLength struct {
	Field  string
	Length int32
}

// docJoin links a document into the parent/child graph. Its relation is a term of the
// join field, which is where queries read it.
type docJoin struct {
	Self   *joinKey // the key carrying this document's own id
	Parent *joinKey // the parent's key, for a child
}

// joinKey is the join-graph node for one _id: the live document carrying that id and the
// live children naming it as parent. Children and parent point at the same node, so
// has_child and has_parent follow pointers instead of looking ids up per document,
// which is what keeps joins fast (the role global ordinals play in Elasticsearch).
type joinKey struct {
	Id       string
	doc      int64         // -1 when no live document has this id
	Children *postings.Set // nil until a child names this id
}

type tombstone struct {
	version int64
	seqNo   int64
	at      int64 // unix nanoseconds of the delete
}

// Store holds one index's documents and inverted indexes. It is not synchronised; the
// owning index's lock guards it.
type Store struct {
	Docs       []*StoredDoc // by document number; nil once deleted or replaced
	Live       *roaring.Bitmap
	byID       postings.DocTable[string] // a live document's number by its _id
	tombstones map[string]tombstone
	Keywords   map[string]*postings.Postings[string]
	Numbers    map[string]*postings.Postings[float64]
	Texts      map[string]*textIndex
	Exists     map[string]*roaring.Bitmap
	// orphanKeys holds the join keys no live document holds as its own (docJoin.Self):
	// keys of ids that children name and no document of the join carries. A key held
	// by its document is found through it (keyOf), so the map stays empty while every
	// parent is indexed: a map entry per parent took 30-45 bytes.
	orphanKeys map[string]*joinKey
	keys       *keyDict // the keys stored sources abbreviate; shared by copies
	// parentDoc maps a child's document number to its parent's current document number
	// (-1 when the parent is not indexed). has_child walks it as a plain array, which is
	// what makes a join over tens of thousands of children take microseconds.
	ParentDoc []int32
	seqNo     int64 // last sequence number handed out
	dead      int   // replaced or deleted document slots, for compaction

	tombstonesSinceSweep int
}

// textIndex is the token inverted index of a text field plus the collection statistics
// BM25 needs.
type textIndex struct {
	Tokens    map[string]*roaring.Bitmap
	SumLength int64
	// docCount counts the documents with at least one token in the field, Lucene's
	// docCount for BM25; a value without tokens ("", "!!!") still makes exists match.
	DocCount int64
}

func newStore() *Store {
	s := &Store{
		Live:       roaring.New(),
		tombstones: map[string]tombstone{},
		Keywords:   map[string]*postings.Postings[string]{},
		Numbers:    map[string]*postings.Postings[float64]{},
		Texts:      map[string]*textIndex{},
		Exists:     map[string]*roaring.Bitmap{},
		orphanKeys: map[string]*joinKey{},
		keys:       newKeyDict(),
		seqNo:      -1,
	}
	s.byID = postings.NewDocTable(s.docID, 0)
	return s
}

func (s *Store) Get(id string) (uint32, *StoredDoc, bool) {
	n, ok := s.byID.Get(id)
	if !ok {
		return 0, nil, false
	}
	return n, s.Docs[n], true
}

// add appends d as a new live document. A replaced document gets a new number, like a
// Lucene update, so index order (the _doc sort and score ties) follows write order.
func (s *Store) add(d *StoredDoc) {
	if len(s.Docs) >= math.MaxInt32-1 {
		s.compact()
	}
	n := s.place(d)
	v := s.nonKeywordValues(n)
	v.term = s.keywordAdder(n)
	d.walk(v)
	s.linkJoin(d, n)
}

// place gives d the next document number and makes it live.
func (s *Store) place(d *StoredDoc) uint32 {
	n := uint32(len(s.Docs))
	s.Docs = append(s.Docs, d)
	s.ParentDoc = append(s.ParentDoc, -1)
	s.Live.Add(n)
	s.byID.Put(d.Id, n)
	return n
}

// keywordAdder adds the keyword values of document n to the keyword postings.
func (s *Store) keywordAdder(n uint32) func(uint32, string) {
	return s.keywordAdderBound(n, s.docID)
}

// keywordAdderBound is keywordAdder with the postings it makes reading document ids
// through idOf (a load's own view of the documents).
func (s *Store) keywordAdderBound(n uint32, idOf func(uint32) string) func(uint32, string) {
	return func(f uint32, value string) {
		field := fieldName(f)
		p := s.Keywords[field]
		if p == nil {
			p = postings.NewPostings[string]()
			p.KeyedByDocument(idOf)
			s.Keywords[field] = p
		}
		p.Add(value, n)
	}
}

// docID is the id of live document n, for the tables that keep only document numbers:
// byID, and the keyword postings' values that are their document's own id
// (postings.KeyedByDocument).
func (s *Store) docID(n uint32) string { return s.Docs[n].Id }

// bindDocs makes byID and every keyword postings read document ids from s: after s took
// over another store's (compact) or copied them (clone).
func (s *Store) bindDocs() {
	s.byID.Bind(s.docID)
	for _, p := range s.Keywords {
		p.KeyedByDocument(s.docID)
	}
}

// nonKeywordValues indexes the other values of document n: numbers, text tokens and
// lengths, and the fields it has. None of them touches the keyword postings.
func (s *Store) nonKeywordValues(n uint32) valueVisitor {
	return valueVisitor{
		number: func(f uint32, value float64) { fieldPostings(s.Numbers, f).Add(value, n) },
		token: func(f uint32, token string, _ int32) {
			ti := s.text(fieldName(f))
			bm := ti.Tokens[token]
			if bm == nil {
				bm = roaring.New()
				ti.Tokens[token] = bm
			}
			bm.Add(n)
		},
		length: func(f uint32, length int32) {
			ti := s.text(fieldName(f))
			ti.SumLength += int64(length)
			if length > 0 {
				ti.DocCount++
			}
		},
		field: func(f uint32) {
			field := fieldName(f)
			bm := s.Exists[field]
			if bm == nil {
				bm = roaring.New()
				s.Exists[field] = bm
			}
			bm.Add(n)
		},
	}
}

func fieldPostings[K cmp.Ordered](byField map[string]*postings.Postings[K], f uint32) *postings.Postings[K] {
	field := fieldName(f)
	p := byField[field]
	if p == nil {
		p = postings.NewPostings[K]()
		byField[field] = p
	}
	return p
}

// linkJoin gives the document at n its place in the join: its own key (whose children,
// indexed before it, now point at n) and, for a child, its parent's children.
func (s *Store) linkJoin(d *StoredDoc, n uint32) {
	j := d.Join
	if j == nil {
		return
	}
	// A document has a key of its own only once a child names it (joinKey makes it
	// then): most documents of a join are leaves, and a key each cost more than all
	// their other values.
	if j.Self = s.orphanKeys[d.Id]; j.Self != nil {
		delete(s.orphanKeys, d.Id)
		j.Self.doc = int64(n)
		if j.Self.Children != nil {
			j.Self.Children.ForEach(func(child uint32) { s.ParentDoc[child] = int32(n) })
		}
	}
	if j.Parent != nil {
		j.Parent = s.joinKey(j.Parent.Id)
		if j.Parent.Children == nil {
			j.Parent.Children = postings.NewSet()
		}
		j.Parent.Children.Add(n)
		s.ParentDoc[n] = int32(j.Parent.doc)
	}
}

func (s *Store) text(field string) *textIndex {
	ti := s.Texts[field]
	if ti == nil {
		ti = &textIndex{Tokens: map[string]*roaring.Bitmap{}}
		s.Texts[field] = ti
	}
	return ti
}

// keyOf returns the join key of id, or nil: the key of the live document with that
// id, or an orphan's.
func (s *Store) keyOf(id string) *joinKey {
	if n, ok := s.byID.Get(id); ok {
		if d := s.Docs[n]; d != nil && d.Join != nil && d.Join.Self != nil {
			return d.Join.Self
		}
	}
	return s.orphanKeys[id]
}

// joinKey returns the key of id, making it the first time a child names id: a live
// document with that id and a join value then takes the key as its own, else the key
// is an orphan until one comes.
func (s *Store) joinKey(id string) *joinKey {
	if k := s.keyOf(id); k != nil {
		return k
	}
	k := &joinKey{Id: id, doc: -1}
	if n, ok := s.byID.Get(id); ok {
		if d := s.Docs[n]; d != nil && d.Join != nil {
			k.doc = int64(n)
			d.Join.Self = k
			return k
		}
	}
	s.orphanKeys[id] = k
	return k
}

// releaseJoinKey files k, which its document may just have left, where it now
// belongs: held by its document, among the orphans while children name it, else
// nowhere.
func (s *Store) releaseJoinKey(k *joinKey) {
	switch {
	case k.doc >= 0:
	case k.Children == nil || k.Children.IsEmpty():
		if s.orphanKeys[k.Id] == k {
			delete(s.orphanKeys, k.Id)
		}
	default:
		s.orphanKeys[k.Id] = k
	}
}

// remove takes document number n out of every index.
func (s *Store) remove(n uint32) {
	d := s.Docs[n]
	if d == nil {
		return
	}
	// The id table and the keyword postings' own ids read each id from its document, so
	// the document leaves the list last.
	defer func() { s.Docs[n] = nil }()
	s.byID.DeleteIf(d.Id, n)
	s.dead++
	s.Live.Remove(n)
	d.walk(valueVisitor{
		term: func(f uint32, value string) {
			if p := s.Keywords[fieldName(f)]; p != nil {
				p.Remove(value, n)
			}
		},
		number: func(f uint32, value float64) {
			if p := s.Numbers[fieldName(f)]; p != nil {
				p.Remove(value, n)
			}
		},
		token: func(f uint32, token string, _ int32) {
			ti := s.Texts[fieldName(f)]
			if bm := ti.Tokens[token]; bm != nil {
				bm.Remove(n)
				if bm.IsEmpty() {
					delete(ti.Tokens, token)
				}
			}
		},
		length: func(f uint32, length int32) {
			ti := s.Texts[fieldName(f)]
			ti.SumLength -= int64(length)
			if length > 0 {
				ti.DocCount--
			}
		},
		field: func(f uint32) {
			if bm := s.Exists[fieldName(f)]; bm != nil {
				bm.Remove(n)
			}
		},
	})
	if j := d.Join; j != nil {
		if j.Self != nil && j.Self.doc == int64(n) {
			j.Self.doc = -1
			if j.Self.Children != nil {
				j.Self.Children.ForEach(func(child uint32) { s.ParentDoc[child] = -1 })
			}
			s.releaseJoinKey(j.Self)
		}
		if j.Parent != nil {
			j.Parent.Children.Remove(n)
			s.ParentDoc[n] = -1
			s.releaseJoinKey(j.Parent)
		}
	}
}

// needsCompaction reports whether dead slots dominate; document numbers are then
// reassigned so memory and bitmap sizes follow the live document count, not the number
// of writes ever made.
func (s *Store) needsCompaction() bool {
	return s.dead > 4096 && s.dead > len(s.Docs)/2
}

// compact re-adds every live document, in order, into fresh indexes.
func (s *Store) compact() {
	fresh := newStore()
	fresh.tombstones = s.tombstones
	fresh.keys = s.keys
	fresh.seqNo = s.seqNo
	fresh.tombstonesSinceSweep = s.tombstonesSinceSweep
	for _, d := range s.Docs {
		if d == nil {
			continue
		}
		if d.Join != nil {
			j := &docJoin{}
			if d.Join.Parent != nil {
				j.Parent = &joinKey{Id: d.Join.Parent.Id}
			}
			d.Join = j
		}
		fresh.add(d)
	}
	*s = *fresh
	s.bindDocs()
}

// OrphanKeyCount is how many join keys no live document holds, for tests.
func (s *Store) OrphanKeyCount() int { return len(s.orphanKeys) }
