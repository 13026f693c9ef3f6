package postings

import (
	"cmp"
	"hash/maphash"
	"slices"
)

// ownKeys holds the values of a field that are their single document's own id, as an
// objectId is: the document's number alone, four bytes a slot, in a hash table with
// linear probing, the value being read back from the document (idOf). The same values
// in ByKey cost 25-55 bytes each (a string header, the list and a control byte a slot,
// tables a sized map leaves half empty) and a pointer each for the collector; for an
// identifier field that is a value per document.
//
// Every number in the table names a live document whose id is the value it stands for:
// the store adds a number once the document is in its list and takes it out (or moves
// it) before the document leaves.
type ownKeys[K cmp.Ordered] struct {
	slots []uint32 // document numbers, freeSlot where free; the length is a power of two
	count int
	seed  maphash.Seed
	idOf  func(doc uint32) K // nil: the postings keep every value in ByKey
}

const (
	freeSlot = ^uint32(0) // document numbers stay below 2^31
	// minOwnSlots is the smallest table; it grows before more than 3/4 of its slots are
	// taken, which keeps probes short.
	minOwnSlots = 16
)

func ownSlotsFor(n int) int {
	size := minOwnSlots
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

// reserve makes room for n values without growing.
func (o *ownKeys[K]) reserve(n int) {
	if o.count != 0 || len(o.slots) >= ownSlotsFor(n) {
		return
	}
	o.slots = freeSlots(ownSlotsFor(n))
}

func (o *ownKeys[K]) home(k K) int {
	return int(maphash.Comparable(o.seed, k) & uint64(len(o.slots)-1))
}

// slot returns the slot holding k, or -1.
func (o *ownKeys[K]) slot(k K) int {
	if o.count == 0 {
		return -1
	}
	mask := len(o.slots) - 1
	for i := o.home(k); ; i = (i + 1) & mask {
		n := o.slots[i]
		if n == freeSlot {
			return -1
		}
		if o.idOf(n) == k {
			return i
		}
	}
}

// get returns the document whose own id k is.
func (o *ownKeys[K]) get(k K) (uint32, bool) {
	if i := o.slot(k); i >= 0 {
		return o.slots[i], true
	}
	return 0, false
}

// insert adds document doc, whose id is k, which the table does not hold.
func (o *ownKeys[K]) insert(k K, doc uint32) {
	if len(o.slots) == 0 || (o.count+1)*4 > len(o.slots)*3 {
		o.grow()
	}
	mask := len(o.slots) - 1
	i := o.home(k)
	for o.slots[i] != freeSlot {
		i = (i + 1) & mask
	}
	o.slots[i] = doc
	o.count++
}

// deleteAt frees slot i, shifting later entries of its probe run back so that no lookup
// stops early at the hole.
func (o *ownKeys[K]) deleteAt(i int) {
	mask := len(o.slots) - 1
	o.slots[i] = freeSlot
	o.count--
	hole := i
	for j := (hole + 1) & mask; o.slots[j] != freeSlot; j = (j + 1) & mask {
		home := o.home(o.idOf(o.slots[j]))
		if (j-home)&mask >= (j-hole)&mask {
			o.slots[hole], o.slots[j] = o.slots[j], freeSlot
			hole = j
		}
	}
}

func (o *ownKeys[K]) grow() {
	old := o.slots
	o.slots = freeSlots(max(minOwnSlots, len(old)*2))
	mask := len(o.slots) - 1
	for _, n := range old {
		if n == freeSlot {
			continue
		}
		i := o.home(o.idOf(n))
		for o.slots[i] != freeSlot {
			i = (i + 1) & mask
		}
		o.slots[i] = n
	}
}

// each calls fn with every value and its document.
func (o *ownKeys[K]) each(fn func(k K, doc uint32)) {
	if o.count == 0 {
		return
	}
	for _, n := range o.slots {
		if n != freeSlot {
			fn(o.idOf(n), n)
		}
	}
}

// clone copies the table for postings whose documents keep their numbers; idOf is the
// copy's to bind.
func (o *ownKeys[K]) clone() ownKeys[K] {
	return ownKeys[K]{slots: slices.Clone(o.slots), count: o.count, seed: o.seed, idOf: o.idOf}
}
