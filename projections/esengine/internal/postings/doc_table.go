package postings

import (
	"cmp"
	"hash/maphash"
	"slices"
)

// DocTable finds the live document whose own id a value is. It is a hash table of
// document numbers and 32 bits of their value's hash, eight bytes a slot, with linear
// probing below 3/4 load and backward-shift deletes; the value a slot stands for is read
// back from the document (idOf), which holds it anyway. The hash beside the number lets
// a probe pass the other values of its run without reading their documents (two cache
// misses each: a million-plan load took 2.5-5.5 s longer with bare numbers), and lets
// growing and deleting move entries without reading any. A map from the value to the
// number took 25-60 bytes an entry (a string header, the number and a control byte a
// slot, tables a map sized up front leaves half empty: 62 bytes a document at 100,000
// plans) and gave the collector a pointer per document to follow.
//
// The store uses one for a document's number by _id, and each keyword field's postings
// one for the values one of their documents has as its own id (own_values.go), with
// each value's list of documents beside it.
//
// Every number in a table names a live document whose id is the value it stands for:
// callers add a number once idOf can read the document, and take it out (or point the
// value elsewhere) before the document leaves.
type DocTable[K cmp.Ordered] struct {
	slots []uint64 // hash<<32 | document number, freeSlot where free
	// lists holds, once one value's list is more than its own document, the list of
	// each slot's value (ownOnly: just the document). Tables of ids alone never make it.
	lists []List
	count int
	seed  maphash.Seed
	idOf  func(doc uint32) K
}

const (
	freeSlot = ^uint64(0) // document numbers stay below 2^31, so no entry is all ones
	// minDocSlots is the smallest table; it grows before more than 3/4 of its slots are
	// taken, which keeps probes short.
	minDocSlots = 16
)

// ownOnly marks a slot whose value's list is its document alone. It is the list of a
// set position that is never reached.
const ownOnly = ^List(0)

// spot is where find left off for a value: the slot holding it, or the free slot that
// ends its probe run; and the value's hash, which the slot keeps beside the number.
type spot struct {
	i    int
	hash uint32
}

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
	if at, found := t.find(k); found {
		return t.docAt(at.i), true
	}
	return 0, false
}

// Put makes k name document doc, whose id it is: a new value, or one that moves to
// another number (a replaced document).
func (t *DocTable[K]) Put(k K, doc uint32) {
	at, found := t.find(k)
	if found {
		t.setDocAt(at.i, doc)
		return
	}
	t.insertAt(at, doc)
}

// DeleteIf takes k out when it names document doc.
func (t *DocTable[K]) DeleteIf(k K, doc uint32) {
	if i := t.slot(k); i >= 0 && t.docAt(i) == doc {
		t.deleteAt(i)
	}
}

// Clone copies the table for a list of the same documents under the same numbers;
// Bind it to that list.
func (t *DocTable[K]) Clone() DocTable[K] {
	return DocTable[K]{slots: slices.Clone(t.slots), lists: slices.Clone(t.lists), count: t.count, seed: t.seed, idOf: t.idOf}
}

// docSlotsFor is the size of a table for n values: 1.5 slots a value, so that a table
// made for a load stays below its 3/4 limit while it takes an eighth more. Sizes are not
// powers of two (a probe's home is the hash scaled to the size): doubling to the next
// one left a table sized for 948,494 ids 45 % full.
func docSlotsFor(n int) int { return max(minDocSlots, n+n/2) }

func freeSlots(n int) []uint64 { return filled(n, freeSlot) }

func ownOnlyLists(n int) []List { return filled(n, ownOnly) }

// filled returns n copies of v.
func filled[T any](n int, v T) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// reserve makes room for n values without growing, in a table still empty.
func (t *DocTable[K]) reserve(n int) {
	if t.count == 0 && len(t.slots) < docSlotsFor(n) {
		t.slots = freeSlots(docSlotsFor(n))
		t.lists = nil
	}
}

// listAt is the list of slot i's value.
func (t *DocTable[K]) listAt(i int) List {
	if t.lists == nil || t.lists[i] == ownOnly {
		return single(t.docAt(i))
	}
	return t.lists[i]
}

// setListAt makes l, which holds slot i's document, the list of slot i's value.
func (t *DocTable[K]) setListAt(i int, l List) {
	if l == single(t.docAt(i)) {
		l = ownOnly
	}
	if t.lists == nil {
		if l == ownOnly {
			return
		}
		t.lists = ownOnlyLists(len(t.slots))
	}
	t.lists[i] = l
}

// hashMask is all ones; tests narrow it so that values share hashes and homes, which
// makes probes compare documents' ids and runs long.
var hashMask = ^uint32(0)

func (t *DocTable[K]) hash(k K) uint32 { return uint32(maphash.Comparable(t.seed, k)) & hashMask }

func entry(hash, doc uint32) uint64 { return uint64(hash)<<32 | uint64(doc) }

func (t *DocTable[K]) docAt(i int) uint32 { return uint32(t.slots[i]) }

// setDocAt points slot i, whose value stays, at document doc.
func (t *DocTable[K]) setDocAt(i int, doc uint32) {
	t.slots[i] = entry(uint32(t.slots[i]>>32), doc)
}

// home is the slot a probe for a value of this hash starts at: the hash scaled to the
// table's size.
func (t *DocTable[K]) home(hash uint32) int { return int(uint64(hash) * uint64(len(t.slots)) >> 32) }

// next is the slot after i, the first after the last.
func (t *DocTable[K]) next(i int) int {
	if i++; i == len(t.slots) {
		return 0
	}
	return i
}

// ahead is how many slots a probe from slot from takes to reach slot to, wrapping
// around the end.
func (t *DocTable[K]) ahead(from, to int) int {
	if d := to - from; d >= 0 {
		return d
	}
	return to - from + len(t.slots)
}

// slot returns the slot holding k, or -1.
func (t *DocTable[K]) slot(k K) int {
	if at, found := t.find(k); found {
		return at.i
	}
	return -1
}

// find returns the slot holding k, or else the free slot that ends k's probe run (-1 in
// a table without slots), where insertAt puts k: one hash for a lookup and an insert.
// Only an entry with k's hash has its document read.
func (t *DocTable[K]) find(k K) (spot, bool) {
	hash := t.hash(k)
	if len(t.slots) == 0 {
		return spot{i: -1, hash: hash}, false
	}
	for i := t.home(hash); ; i = t.next(i) {
		e := t.slots[i]
		if e == freeSlot {
			return spot{i: i, hash: hash}, false
		}
		if uint32(e>>32) == hash && t.idOf(uint32(e)) == k {
			return spot{i: i, hash: hash}, true
		}
	}
}

// insertAt adds document doc, whose id is the value find returned at for (the table
// does not hold it), at that free slot, unless the table must grow first; its list is
// the document alone. It returns the slot.
func (t *DocTable[K]) insertAt(at spot, doc uint32) int {
	if at.i < 0 || (t.count+1)*4 > len(t.slots)*3 {
		t.grow()
		at.i = t.freeSlotFor(at.hash)
	}
	t.slots[at.i] = entry(at.hash, doc)
	if t.lists != nil {
		t.lists[at.i] = ownOnly
	}
	t.count++
	return at.i
}

// freeSlotFor is the first free slot of a probe run for hash.
func (t *DocTable[K]) freeSlotFor(hash uint32) int {
	i := t.home(hash)
	for t.slots[i] != freeSlot {
		i = t.next(i)
	}
	return i
}

// deleteAt frees slot i; later entries of its probe run move back into the hole unless
// their home lies cyclically after it, so no lookup stops early there.
func (t *DocTable[K]) deleteAt(i int) {
	t.slots[i] = freeSlot
	t.count--
	hole := i
	for j := t.next(hole); t.slots[j] != freeSlot; j = t.next(j) {
		home := t.home(uint32(t.slots[j] >> 32))
		if t.ahead(home, j) >= t.ahead(hole, j) {
			t.slots[hole], t.slots[j] = t.slots[j], freeSlot
			if t.lists != nil {
				t.lists[hole] = t.lists[j]
			}
			hole = j
		}
	}
}

func (t *DocTable[K]) grow() {
	old, oldLists := t.slots, t.lists
	t.slots = freeSlots(docSlotsFor(t.count + t.count/2)) // half again as many values
	if oldLists != nil {
		t.lists = ownOnlyLists(len(t.slots))
	}
	for i, e := range old {
		if e != freeSlot {
			j := t.freeSlotFor(uint32(e >> 32))
			t.slots[j] = e
			if oldLists != nil {
				t.lists[j] = oldLists[i]
			}
		}
	}
}

// each calls fn with every value and its list.
func (t *DocTable[K]) each(fn func(k K, l List)) {
	for i, e := range t.slots {
		if e != freeSlot {
			fn(t.idOf(uint32(e)), t.listAt(i))
		}
	}
}
