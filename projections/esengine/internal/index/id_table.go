package index

import (
	"hash/maphash"
	"slices"
)

// idTable finds the live document holding an id. It is a hash table of document numbers
// alone, four bytes a slot, with linear probing: the id a slot stands for is read back
// from the document itself (docs[n].Id), which holds it anyway. The map[string]uint32 it
// replaces took 25-60 bytes an entry (a string header and the value per slot, control
// bytes, and tables a map sized up front leaves half empty: 62 bytes a document at
// 100,000 plans) and gave the collector a pointer per document to follow.
//
// Every number in the table names a document that is in docs and not nil: callers add a
// number once the document is in docs and take it out before the document leaves.
type idTable struct {
	slots []uint32 // document numbers, free where freeSlot; the length is a power of two
	count int
	seed  maphash.Seed
}

const (
	freeSlot = ^uint32(0) // document numbers stay below 2^31
	// minIDSlots is the smallest table; it grows before more than 3/4 of its slots are
	// taken, which keeps probes short.
	minIDSlots = 16
)

func newIDTable(capacity int) idTable {
	t := idTable{seed: maphash.MakeSeed()}
	t.slots = freeSlots(slotsFor(capacity))
	return t
}

// slotsFor is the power of two of slots that holds n ids below the load limit.
func slotsFor(n int) int {
	size := minIDSlots
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

func (t *idTable) home(id string) int {
	return int(maphash.String(t.seed, id) & uint64(len(t.slots)-1))
}

// get returns the number of the document holding id.
func (t *idTable) get(docs []*StoredDoc, id string) (uint32, bool) {
	mask := len(t.slots) - 1
	for i := t.home(id); ; i = (i + 1) & mask {
		n := t.slots[i]
		if n == freeSlot {
			return 0, false
		}
		if docs[n].Id == id {
			return n, true
		}
	}
}

// set makes id name document n (docs[n] need not be in docs yet: only the documents
// already in the table are read).
func (t *idTable) set(docs []*StoredDoc, id string, n uint32) {
	if (t.count+1)*4 > len(t.slots)*3 {
		t.grow(docs)
	}
	mask := len(t.slots) - 1
	for i := t.home(id); ; i = (i + 1) & mask {
		cur := t.slots[i]
		if cur == freeSlot {
			t.slots[i] = n
			t.count++
			return
		}
		if docs[cur].Id == id {
			t.slots[i] = n
			return
		}
	}
}

// deleteIf takes id out when it names document n, which must still be in docs.
func (t *idTable) deleteIf(docs []*StoredDoc, id string, n uint32) {
	mask := len(t.slots) - 1
	i := t.home(id)
	for ; ; i = (i + 1) & mask {
		cur := t.slots[i]
		if cur == freeSlot {
			return
		}
		if docs[cur].Id == id {
			if cur != n {
				return
			}
			break
		}
	}
	t.slots[i] = freeSlot
	t.count--
	// Backward shift: later entries of the probe run move into the hole unless their
	// home lies cyclically after it, so no lookup stops early at the freed slot.
	hole := i
	for j := (hole + 1) & mask; t.slots[j] != freeSlot; j = (j + 1) & mask {
		home := t.home(docs[t.slots[j]].Id)
		if (j-home)&mask >= (j-hole)&mask {
			t.slots[hole], t.slots[j] = t.slots[j], freeSlot
			hole = j
		}
	}
}

func (t *idTable) grow(docs []*StoredDoc) {
	old := t.slots
	t.slots = freeSlots(len(old) * 2)
	mask := len(t.slots) - 1
	for _, n := range old {
		if n == freeSlot {
			continue
		}
		i := t.home(docs[n].Id)
		for t.slots[i] != freeSlot {
			i = (i + 1) & mask
		}
		t.slots[i] = n
	}
}

// clone returns a copy for a store whose documents have the same numbers.
func (t *idTable) clone() idTable {
	return idTable{slots: slices.Clone(t.slots), count: t.count, seed: t.seed}
}
