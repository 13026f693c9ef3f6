package index

import (
	"maps"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/postings"
)

// clone returns a deep copy of s that shares nothing a write modifies: a write may then
// change the copy while searches keep reading s (see index.beforeWrite). Document
// sources and encoded values are shared, as nothing modifies them once stored; documents
// in the join are copied, because the store links them to its own join keys.
func (s *Store) clone() *Store {
	c := &Store{
		Docs:                 make([]*StoredDoc, len(s.Docs)),
		Live:                 s.Live.Clone(),
		byID:                 s.byID.Clone(),
		tombstones:           maps.Clone(s.tombstones),
		Keywords:             make(map[string]*postings.Postings[string], len(s.Keywords)),
		Numbers:              make(map[string]*postings.Postings[float64], len(s.Numbers)),
		Texts:                make(map[string]*textIndex, len(s.Texts)),
		Exists:               make(map[string]*roaring.Bitmap, len(s.Exists)),
		orphanKeys:           make(map[string]*joinKey, len(s.orphanKeys)),
		ParentDoc:            slices.Clone(s.ParentDoc),
		keys:                 s.keys,
		seqNo:                s.seqNo,
		dead:                 s.dead,
		tombstonesSinceSweep: s.tombstonesSinceSweep,
	}
	for f, p := range s.Keywords {
		c.Keywords[f] = p.Clone()
	}
	c.bindDocs()
	for f, p := range s.Numbers {
		c.Numbers[f] = p.Clone()
	}
	for f, t := range s.Texts {
		tokens := make(map[string]*roaring.Bitmap, len(t.Tokens))
		for tok, bm := range t.Tokens {
			tokens[tok] = bm.Clone()
		}
		c.Texts[f] = &textIndex{Tokens: tokens, SumLength: t.SumLength, DocCount: t.DocCount}
	}
	for f, bm := range s.Exists {
		c.Exists[f] = bm.Clone()
	}
	keys := joinKeyCopies{}
	for id, k := range s.orphanKeys {
		c.orphanKeys[id] = keys.copy(k)
	}
	for n, d := range s.Docs {
		if d == nil || d.Join == nil {
			c.Docs[n] = d
			continue
		}
		cd := *d
		j := &docJoin{}
		if d.Join.Self != nil {
			j.Self = keys.copy(d.Join.Self)
		}
		if d.Join.Parent != nil {
			j.Parent = keys.copy(d.Join.Parent)
		}
		cd.Join = j
		c.Docs[n] = &cd
	}
	return c
}

// joinKeyCopies copies each key of a store once, so that a parent's key and the
// parent key of each of its children stay one key in the copy.
type joinKeyCopies map[*joinKey]*joinKey

func (c joinKeyCopies) copy(k *joinKey) *joinKey {
	if ck, ok := c[k]; ok {
		return ck
	}
	ck := &joinKey{Id: k.Id, doc: k.doc}
	if k.Children != nil {
		ck.Children = k.Children.Clone()
	}
	c[k] = ck
	return ck
}
