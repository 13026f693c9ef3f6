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
		joinKeys:             make(map[string]*joinKey, len(s.joinKeys)),
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
	for id, k := range s.joinKeys {
		ck := &joinKey{Id: k.Id, doc: k.doc}
		if k.Children != nil {
			ck.Children = k.Children.Clone()
		}
		c.joinKeys[id] = ck
	}
	for n, d := range s.Docs {
		if d == nil || d.Join == nil {
			c.Docs[n] = d
			continue
		}
		cd := *d
		j := &docJoin{}
		if d.Join.Self != nil {
			j.Self = c.joinKeyCopy(d.Join.Self)
		}
		if d.Join.Parent != nil {
			j.Parent = c.joinKeyCopy(d.Join.Parent)
		}
		cd.Join = j
		c.Docs[n] = &cd
	}
	return c
}

// joinKeyCopy returns the copy of k in c, or a detached copy when the key has left the
// store's map (a removed document keeps its key).
func (c *Store) joinKeyCopy(k *joinKey) *joinKey {
	if ck, ok := c.joinKeys[k.Id]; ok {
		return ck
	}
	ck := &joinKey{Id: k.Id, doc: k.doc}
	if k.Children != nil {
		ck.Children = k.Children.Clone()
	}
	return ck
}
