package postings

import (
	"cmp"
	"hash/maphash"
	"slices"
)

// DocTable finds the live document whose own id a value is. It is a hash table of
// document numbers alone, four bytes a slot, with linear probing below 3/4 load and
// backward-shift deletes; the value a slot stands for is read back from the document
// (idOf), which holds it anyway. A map from the value to the number took 25-60 bytes an
// entry (a string header, the number and a control byte a slot, tables a map sized up
// front leaves half empty: 62 bytes a document at 100,000 plans) and gave the collector
// a pointer per document to follow.
//
// The store uses one for a document's number by _id, and the keyword postings one for
// the values that are their single document's own id (an objectId).
//
// Every number in a table names a live document whose id is the value it stands for:
// callers add a number once idOf can read the document, and take it out (or point the
// value elsewhere) before the document leaves.
type DocTable[K cmp.Ordered] struct {
	slots []uint32 // document numbers, freeSlot where free; the length is a power of two
	count int
	seed  maphash.Seed
	idOf  func(doc uint32) K
}

const (
	freeSlot = ^uint32(0) // document numbers stay below 2^31
	// minDocSlots is the smallest table; it grows before more than 3/4 of its slots are
	// taken, which keeps probes short.
	minDocSlots = 16
)

// NewDocTable returns a table reading ids through idOf, with room for capacity values.
func NewDocTable[K cmp.Ordered](idOf func(doc uint32) K, capacity int) DocTable[K] {
	return DocTable[K]{slots: freeSlots(docSlotsFor(capacity)), seed: maphash.MakeSeed(), idOf: idOf}
}

// Bind makes the table read ids through idOf: another list of the same documents under
// the same numbers (a copy's, a compacted store's, a load's own view).
func (t *DocTable[K]) Bind(idOf func(doc uint32) K) { t.idOf = idOf }

func (t *DocTable[K]) Len() int { return t.count }

// Get returns the document whose id k is.
func (t *DocTable[K]) Get(k K) (uint32, bool) {
	if i := t.slot(k); i >= 0 {
		return t.slots[i], true
	}
	return 0, false
}

// Put makes k name document doc, whose id it is: a new value, or one that moves to
// another number (a replaced document).
func (t *DocTable[K]) Put(k K, doc uint32) {
	i, found := t.find(k)
	if found {
		t.slots[i] = doc
		return
	}
	t.insertAt(i, k, doc)
}

// DeleteIf takes k out when it names document doc.
func (t *DocTable[K]) DeleteIf(k K, doc uint32) {
	if i := t.slot(k); i >= 0 && t.slots[i] == doc {
		t.deleteAt(i)
	}
}

// Clone copies the table for a list of the same documents under the same numbers;
// Bind it to that list.
func (t *DocTable[K]) Clone() DocTable[K] {
	return DocTable[K]{slots: slices.Clone(t.slots), count: t.count, seed: t.seed, idOf: t.idOf}
}

func docSlotsFor(n int) int {
	size := minDocSlots
	for size/4*3 < n {
		size *= 2
	}
	return size
}

func freeSlots(n int) []uint32 {
	s := make([]uint32, n)
	for i := range s {
		s[i] = freeSlot
	}
	return s
}

// reserve makes room for n values without growing, in a table still empty.
func (t *DocTable[K]) reserve(n int) {
	if t.count == 0 && len(t.slots) < docSlotsFor(n) {
		t.slots = freeSlots(docSlotsFor(n))
	}
}

func (t *DocTable[K]) home(k K) int {
	return int(maphash.Comparable(t.seed, k) & uint64(len(t.slots)-1))
}

// slot returns the slot holding k, or -1.
func (t *DocTable[K]) slot(k K) int {
	if i, found := t.find(k); found {
		return i
	}
	return -1
}

// find returns the slot holding k, or else the free slot that ends k's probe run (-1 in
// a table without slots), where insertAt puts k: one hash for a lookup and an insert.
func (t *DocTable[K]) find(k K) (int, bool) {
	if len(t.slots) == 0 {
		return -1, false
	}
	mask := len(t.slots) - 1
	for i := t.home(k); ; i = (i + 1) & mask {
		n := t.slots[i]
		if n == freeSlot {
			return i, false
		}
		if t.idOf(n) == k {
			return i, true
		}
	}
}

// insertAt adds document doc, whose id is k, which the table does not hold, at free
// slot i that find returned for it, unless the table must grow first.
func (t *DocTable[K]) insertAt(i int, k K, doc uint32) {
	if i < 0 || (t.count+1)*4 > len(t.slots)*3 {
		t.grow()
		mask := len(t.slots) - 1
		i = t.home(k)
		for t.slots[i] != freeSlot {
			i = (i + 1) & mask
		}
	}
	t.slots[i] = doc
	t.count++
}

// deleteAt frees slot i; later entries of its probe run move back into the hole unless
// their home lies cyclically after it, so no lookup stops early there.
func (t *DocTable[K]) deleteAt(i int) {
	mask := len(t.slots) - 1
	t.slots[i] = freeSlot
	t.count--
	hole := i
	for j := (hole + 1) & mask; t.slots[j] != freeSlot; j = (j + 1) & mask {
		home := t.home(t.idOf(t.slots[j]))
		if (j-home)&mask >= (j-hole)&mask {
			t.slots[hole], t.slots[j] = t.slots[j], freeSlot
			hole = j
		}
	}
}

func (t *DocTable[K]) grow() {
	old := t.slots
	t.slots = freeSlots(max(minDocSlots, len(old)*2))
	mask := len(t.slots) - 1
	for _, n := range old {
		if n == freeSlot {
			continue
		}
		i := t.home(t.idOf(n))
		for t.slots[i] != freeSlot {
			i = (i + 1) & mask
		}
		t.slots[i] = n
	}
}

// each calls fn with every value and its document.
func (t *DocTable[K]) each(fn func(k K, doc uint32)) {
	for _, n := range t.slots {
		if n != freeSlot {
			fn(t.idOf(n), n)
		}
	}
}
