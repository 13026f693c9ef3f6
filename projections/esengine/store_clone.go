package esengine

import (
	"maps"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// clone returns a deep copy of s that shares nothing a write modifies: a write may then
// change the copy while searches keep reading s (see index.beforeWrite). Document
// sources and value slices are shared, as nothing modifies them once stored; documents
// in the join are copied, because the store links them to its own join keys.
func (s *store) clone() *store {
	c := &store{
		docs:                 make([]*storedDoc, len(s.docs)),
		live:                 s.live.Clone(),
		byID:                 maps.Clone(s.byID),
		tombstones:           maps.Clone(s.tombstones),
		keywords:             make(map[string]*postings[string], len(s.keywords)),
		numbers:              make(map[string]*postings[float64], len(s.numbers)),
		texts:                make(map[string]*textIndex, len(s.texts)),
		exists:               make(map[string]*roaring.Bitmap, len(s.exists)),
		joinKeys:             make(map[string]*joinKey, len(s.joinKeys)),
		parentDoc:            slices.Clone(s.parentDoc),
		seqNo:                s.seqNo,
		dead:                 s.dead,
		tombstonesSinceSweep: s.tombstonesSinceSweep,
	}
	for f, p := range s.keywords {
		c.keywords[f] = p.clone()
	}
	for f, p := range s.numbers {
		c.numbers[f] = p.clone()
	}
	for f, t := range s.texts {
		tokens := make(map[string]*roaring.Bitmap, len(t.tokens))
		for tok, bm := range t.tokens {
			tokens[tok] = bm.Clone()
		}
		c.texts[f] = &textIndex{tokens: tokens, sumLength: t.sumLength, docCount: t.docCount}
	}
	for f, bm := range s.exists {
		c.exists[f] = bm.Clone()
	}
	for id, k := range s.joinKeys {
		ck := &joinKey{id: k.id, doc: k.doc}
		if k.children != nil {
			ck.children = k.children.Clone()
		}
		c.joinKeys[id] = ck
	}
	for n, d := range s.docs {
		if d == nil || d.join == nil {
			c.docs[n] = d
			continue
		}
		cd := *d
		j := &docJoin{relation: d.join.relation}
		if d.join.self != nil {
			j.self = c.joinKeyCopy(d.join.self)
		}
		if d.join.parent != nil {
			j.parent = c.joinKeyCopy(d.join.parent)
		}
		cd.join = j
		c.docs[n] = &cd
	}
	return c
}

// joinKeyCopy returns the copy of k in c, or a detached copy when the key has left the
// store's map (a removed document keeps its key).
func (c *store) joinKeyCopy(k *joinKey) *joinKey {
	if ck, ok := c.joinKeys[k.id]; ok {
		return ck
	}
	ck := &joinKey{id: k.id, doc: k.doc}
	if k.children != nil {
		ck.children = k.children.Clone()
	}
	return ck
}
