package esengine

import (
	"math"

	"github.com/RoaringBitmap/roaring/v2"
)

// storedDoc is one indexed document: its source as given and every value it put into the
// inverted indexes, so the engine can take it out again on update or delete without
// re-parsing, and can sort on field values without a separate column store.
//
// The source is a string so that the values taken from it (keywords, tokens, parent ids)
// are substrings sharing its bytes rather than copies: a document's text is held once.
type storedDoc struct {
	id      string
	source  string // compact JSON
	routing *string
	version int64
	seqNo   int64

	terms   []indexedTerm   // keyword-like values: keyword, boolean, join, _routing
	numbers []indexedNumber // numeric and boolean values
	tokens  []indexedToken  // analyzed text
	lengths []fieldLength   // text token counts, for BM25 length normalisation
	ignored []string        // fields whose values were left out (ignore_above): hits' _ignored
	join    *docJoin
}

// fieldSetScan is how many values a document may hold before eachField switches from
// scanning what came before to a set.
const fieldSetScan = 64

// eachField calls fn once for every field with at least one indexed value, which is
// what exists matches. The fields are derived rather than stored: every field with a
// value has a term, a number or a length, and a slice per document would cost more
// memory than the scan costs time.
func (d *storedDoc) eachField(fn func(field string)) {
	if len(d.terms)+len(d.numbers)+len(d.lengths) > fieldSetScan {
		seen := map[string]bool{}
		visit := func(f string) {
			if !seen[f] {
				seen[f] = true
				fn(f)
			}
		}
		for _, t := range d.terms {
			visit(t.field)
		}
		for _, n := range d.numbers {
			visit(n.field)
		}
		for _, l := range d.lengths {
			visit(l.field)
		}
		return
	}
	for i, t := range d.terms {
		if !d.termFieldBefore(t.field, i) {
			fn(t.field)
		}
	}
	for i, n := range d.numbers {
		if !d.termFieldBefore(n.field, len(d.terms)) && !numberFieldBefore(d.numbers, n.field, i) {
			fn(n.field)
		}
	}
	for i, l := range d.lengths {
		if !d.termFieldBefore(l.field, len(d.terms)) && !numberFieldBefore(d.numbers, l.field, len(d.numbers)) && !lengthFieldBefore(d.lengths, l.field, i) {
			fn(l.field)
		}
	}
}

func (d *storedDoc) termFieldBefore(field string, n int) bool {
	for _, t := range d.terms[:n] {
		if t.field == field {
			return true
		}
	}
	return false
}

func numberFieldBefore(numbers []indexedNumber, field string, n int) bool {
	for _, v := range numbers[:n] {
		if v.field == field {
			return true
		}
	}
	return false
}

func lengthFieldBefore(lengths []fieldLength, field string, n int) bool {
	for _, l := range lengths[:n] {
		if l.field == field {
			return true
		}
	}
	return false
}

type indexedTerm struct{ field, value string }

type indexedNumber struct {
	field string
	value float64
}

type indexedToken struct {
	field, token string
	freq         int32
}

type fieldLength struct {
	field  string
	length int32
}

// docJoin links a document into the parent/child graph.
type docJoin struct {
	relation string
	self     *joinKey // the key carrying this document's own id
	parent   *joinKey // the parent's key, for a child
}

// joinKey is the join-graph node for one _id: the live document carrying that id and the
// live children naming it as parent. Children and parent point at the same node, so
// has_child and has_parent follow pointers instead of looking ids up per document,
// which is what keeps joins fast (the role global ordinals play in Elasticsearch).
type joinKey struct {
	id       string
	doc      int64           // -1 when no live document has this id
	children *roaring.Bitmap // nil until a child names this id
}

type tombstone struct {
	version int64
	seqNo   int64
	at      int64 // unix nanoseconds of the delete
}

// store holds one index's documents and inverted indexes. It is not synchronised; the
// owning index's lock guards it.
type store struct {
	docs       []*storedDoc // by document number; nil once deleted or replaced
	live       *roaring.Bitmap
	byID       map[string]uint32
	tombstones map[string]tombstone
	keywords   map[string]*postings[string]
	numbers    map[string]*postings[float64]
	texts      map[string]*textIndex
	exists     map[string]*roaring.Bitmap
	joinKeys   map[string]*joinKey
	// parentDoc maps a child's document number to its parent's current document number
	// (-1 when the parent is not indexed). has_child walks it as a plain array, which is
	// what makes a join over tens of thousands of children take microseconds.
	parentDoc []int32
	seqNo     int64 // last sequence number handed out
	dead      int   // replaced or deleted document slots, for compaction

	tombstonesSinceSweep int
}

// textIndex is the token inverted index of a text field plus the collection statistics
// BM25 needs.
type textIndex struct {
	tokens    map[string]*roaring.Bitmap
	sumLength int64
	// docCount counts the documents with at least one token in the field, Lucene's
	// docCount for BM25; a value without tokens ("", "!!!") still makes exists match.
	docCount int64
}

func newStore() *store {
	return &store{
		live:       roaring.New(),
		byID:       map[string]uint32{},
		tombstones: map[string]tombstone{},
		keywords:   map[string]*postings[string]{},
		numbers:    map[string]*postings[float64]{},
		texts:      map[string]*textIndex{},
		exists:     map[string]*roaring.Bitmap{},
		joinKeys:   map[string]*joinKey{},
		seqNo:      -1,
	}
}

func (s *store) get(id string) (uint32, *storedDoc, bool) {
	n, ok := s.byID[id]
	if !ok {
		return 0, nil, false
	}
	return n, s.docs[n], true
}

// add appends d as a new live document. A replaced document gets a new number, like a
// Lucene update, so index order (the _doc sort and score ties) follows write order.
func (s *store) add(d *storedDoc) {
	if len(s.docs) >= math.MaxInt32-1 {
		s.compact()
	}
	n := uint32(len(s.docs))
	s.docs = append(s.docs, d)
	s.parentDoc = append(s.parentDoc, -1)
	s.live.Add(n)
	s.byID[d.id] = n
	for _, t := range d.terms {
		p := s.keywords[t.field]
		if p == nil {
			p = newPostings[string]()
			s.keywords[t.field] = p
		}
		p.add(t.value, n)
	}
	for _, v := range d.numbers {
		p := s.numbers[v.field]
		if p == nil {
			p = newPostings[float64]()
			s.numbers[v.field] = p
		}
		p.add(v.value, n)
	}
	for _, t := range d.tokens {
		ti := s.text(t.field)
		bm := ti.tokens[t.token]
		if bm == nil {
			bm = roaring.New()
			ti.tokens[t.token] = bm
		}
		bm.Add(n)
	}
	for _, l := range d.lengths {
		ti := s.text(l.field)
		ti.sumLength += int64(l.length)
		if l.length > 0 {
			ti.docCount++
		}
	}
	d.eachField(func(f string) {
		bm := s.exists[f]
		if bm == nil {
			bm = roaring.New()
			s.exists[f] = bm
		}
		bm.Add(n)
	})
	if j := d.join; j != nil {
		j.self = s.joinKey(d.id)
		j.self.doc = int64(n)
		if j.self.children != nil {
			forEach(j.self.children, func(child uint32) { s.parentDoc[child] = int32(n) })
		}
		if j.parent != nil {
			j.parent = s.joinKey(j.parent.id)
			if j.parent.children == nil {
				j.parent.children = roaring.New()
			}
			j.parent.children.Add(n)
			s.parentDoc[n] = int32(j.parent.doc)
		}
	}
}

func (s *store) text(field string) *textIndex {
	ti := s.texts[field]
	if ti == nil {
		ti = &textIndex{tokens: map[string]*roaring.Bitmap{}}
		s.texts[field] = ti
	}
	return ti
}

func (s *store) joinKey(id string) *joinKey {
	k := s.joinKeys[id]
	if k == nil {
		k = &joinKey{id: id, doc: -1}
		s.joinKeys[id] = k
	}
	return k
}

func (s *store) releaseJoinKey(k *joinKey) {
	if k.doc < 0 && (k.children == nil || k.children.IsEmpty()) {
		delete(s.joinKeys, k.id)
	}
}

// remove takes document number n out of every index.
func (s *store) remove(n uint32) {
	d := s.docs[n]
	if d == nil {
		return
	}
	s.docs[n] = nil
	s.dead++
	s.live.Remove(n)
	if cur, ok := s.byID[d.id]; ok && cur == n {
		delete(s.byID, d.id)
	}
	for _, t := range d.terms {
		if p := s.keywords[t.field]; p != nil {
			p.remove(t.value, n)
		}
	}
	for _, v := range d.numbers {
		if p := s.numbers[v.field]; p != nil {
			p.remove(v.value, n)
		}
	}
	for _, t := range d.tokens {
		ti := s.texts[t.field]
		if bm := ti.tokens[t.token]; bm != nil {
			bm.Remove(n)
			if bm.IsEmpty() {
				delete(ti.tokens, t.token)
			}
		}
	}
	for _, l := range d.lengths {
		ti := s.texts[l.field]
		ti.sumLength -= int64(l.length)
		if l.length > 0 {
			ti.docCount--
		}
	}
	d.eachField(func(f string) {
		if bm := s.exists[f]; bm != nil {
			bm.Remove(n)
		}
	})
	if j := d.join; j != nil {
		if j.self != nil && j.self.doc == int64(n) {
			j.self.doc = -1
			if j.self.children != nil {
				forEach(j.self.children, func(child uint32) { s.parentDoc[child] = -1 })
			}
			s.releaseJoinKey(j.self)
		}
		if j.parent != nil {
			j.parent.children.Remove(n)
			s.parentDoc[n] = -1
			s.releaseJoinKey(j.parent)
		}
	}
}

// needsCompaction reports whether dead slots dominate; document numbers are then
// reassigned so memory and bitmap sizes follow the live document count, not the number
// of writes ever made.
func (s *store) needsCompaction() bool {
	return s.dead > 4096 && s.dead > len(s.docs)/2
}

// compact re-adds every live document, in order, into fresh indexes.
func (s *store) compact() {
	fresh := newStore()
	fresh.tombstones = s.tombstones
	fresh.seqNo = s.seqNo
	fresh.tombstonesSinceSweep = s.tombstonesSinceSweep
	for _, d := range s.docs {
		if d == nil {
			continue
		}
		if d.join != nil {
			j := &docJoin{relation: d.join.relation}
			if d.join.parent != nil {
				j.parent = &joinKey{id: d.join.parent.id}
			}
			d.join = j
		}
		fresh.add(d)
	}
	*s = *fresh
}
