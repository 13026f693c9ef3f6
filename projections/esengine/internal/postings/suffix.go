package postings

import (
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// A range open above ({"gte": N}) unions the lists of every value from N up: at
// 100,000 plans a copay range sets some 175,000 bits on each search, most of a join
// search's time. Between the writes to a field, those unions are the same on every
// search, so after two such ranges meet the same postings unchanged, the postings keep
// the unions from a few positions of the sorted values to the last (suffixUnions). A
// range then takes the nearest of them at or above its start and adds only the lists
// below it: at most a suffixSteps-th of the field's documents.
//
// Unions of suffixes are exact for any field, multi-valued ones included: no document
// ever leaves a union it is in, which a difference of two unions would need. Any write
// to the postings (Add, Remove, Move) changes the version, and the unions of an older
// version are never used.

// suffixSteps is about how many unions are kept: one every suffixSteps-th of the field's
// documents, counted from the highest value down. The unions take at most suffixSteps
// times the space of the field's documents as a bitset (2 MB for a field held by a
// million documents), and only for fields ranges open above are asked of repeatedly.
const suffixSteps = 16

// suffixUnions are the unions of the lists of keys[starts[i]:], from the highest start
// down to the lowest, made at version of the postings.
type suffixUnions struct {
	version uint64
	starts  []int
	sets    []*roaring.Bitmap
}

// suffixFrom returns, at the postings' current version, the union of keys[from:] the
// kept unions make cheapest to build: the union of keys[start:] and start, the lowest
// kept start at or above from. ok is false when no union is kept (yet) or none starts at
// or above from. keys are the sorted keys; the caller holds no lock.
func (p *Postings[K]) suffixFrom(keys []K, from, universe int) (union *roaring.Bitmap, start int, ok bool) {
	p.sortMu.Lock()
	defer p.sortMu.Unlock()
	s := p.suffixes
	if s == nil || s.version != p.version {
		if p.openRangeAt != p.version+1 {
			// The first range open above at this version: the next one builds the
			// unions, so a field written between every two ranges never pays for them.
			p.openRangeAt = p.version + 1
			return nil, 0, false
		}
		s = p.buildSuffixes(keys, universe)
		p.suffixes = s
	}
	// starts descend: the last one at or above from is the lowest such.
	i, found := slices.BinarySearchFunc(s.starts, from, func(start, target int) int { return target - start })
	if !found {
		i--
	}
	if i < 0 {
		return nil, 0, false
	}
	return s.sets[i], s.starts[i], true
}

// buildSuffixes unions the lists from the highest value down, keeping a copy of the
// union each time another suffixSteps-th of the field's documents has been added.
func (p *Postings[K]) buildSuffixes(keys []K, universe int) *suffixUnions {
	total := uint64(0)
	for _, k := range keys {
		total += p.listLen(p.list(k))
	}
	step := max(total/suffixSteps, 1)
	s := &suffixUnions{version: p.version}
	dense := NewDenseSet(universe)
	added := uint64(0)
	for i := len(keys) - 1; i >= 0; i-- {
		l := p.list(keys[i])
		p.addList(dense, l)
		added += p.listLen(l)
		if added >= step || i == 0 {
			s.starts = append(s.starts, i)
			s.sets = append(s.sets, roaring.FromDense(dense.Words, true))
			added = 0
		}
	}
	return s
}

// listLen is how many documents a list holds.
func (p *Postings[K]) listLen(l List) uint64 {
	if set := p.set(l); set != nil {
		return set.len()
	}
	return 1
}

// addList adds the documents of a list to dense.
func (p *Postings[K]) addList(dense *DenseSet, l List) {
	switch set := p.set(l); {
	case set == nil:
		dense.Add(uint32(l))
	case set.bm != nil:
		dense.AddAll(set.bm)
	default:
		for _, doc := range set.small {
			dense.Add(doc)
		}
	}
}

// unionWith returns the union of union and the lists of keys, in a bitset lent by
// scratch; union itself when keys is empty.
func (p *Postings[K]) unionWith(union *roaring.Bitmap, keys []K, universe int, scratch *Scratch) *roaring.Bitmap {
	if len(keys) == 0 {
		return union
	}
	dense := scratch.Dense(universe)
	dense.AddAll(union)
	for _, k := range keys {
		p.addList(dense, p.list(k))
	}
	return dense.Bitmap()
}
