package postings

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestOwnKeysAnswerAsTheMap drives postings keyed by document and plain ones through
// the same random adds, removes and moves (a document replaced under a new number, as
// the store does) of values that are often, not always, their document's own id, and
// compares every value's documents, the sorted values and the counts after each step.
func TestOwnKeysAnswerAsTheMap(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, seed))
			var ids []string // by document number; "" once the document left
			keyed, plain := NewPostings[string](), NewPostings[string]()
			keyed.KeyedByDocument(func(n uint32) string {
				if ids[n] == "" {
					t.Fatalf("the postings read the id of document %d, which left", n)
				}
				return ids[n]
			})
			values := func(id string) []string { // a document's values: its id, and sometimes another's
				out := []string{id}
				if rng.IntN(4) == 0 {
					out = append(out, fmt.Sprintf("v%d", rng.IntN(40)))
				}
				return out
			}
			live := map[uint32][]string{}
			for step := range 4000 {
				switch op := rng.IntN(3); {
				case op == 0 || len(live) == 0: // add a new document
					n := uint32(len(ids))
					ids = append(ids, fmt.Sprintf("v%d", rng.IntN(60)))
					live[n] = values(ids[n])
					for _, v := range live[n] {
						keyed.Add(v, n)
						plain.Add(v, n)
					}
				case op == 1: // remove one
					n := anyKey(rng, live)
					for _, v := range live[n] {
						keyed.Remove(v, n)
						plain.Remove(v, n)
					}
					delete(live, n)
					ids[n] = ""
				default: // replace one under a new number, its values moved
					n := anyKey(rng, live)
					m := uint32(len(ids))
					ids = append(ids, ids[n])
					for _, v := range live[n] {
						keyed.Move(v, n, m)
						plain.Move(v, n, m)
					}
					live[m] = live[n]
					delete(live, n)
					ids[n] = ""
				}
				if keyed.Len() != plain.Len() {
					t.Fatalf("step %d: %d values, want %d", step, keyed.Len(), plain.Len())
				}
				if step%40 == 0 || step > 3950 {
					comparePostings(t, step, keyed, plain)
				}
			}
			c := keyed.Clone()
			comparePostings(t, -1, c, plain)
		})
	}
}

func anyKey(rng *rand.Rand, m map[uint32][]string) uint32 {
	keys := make([]uint32, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys[rng.IntN(len(keys))]
}

func comparePostings(t *testing.T, step int, got, want *Postings[string]) {
	t.Helper()
	checkOwnPlacement(t, step, got)
	if g, w := got.keys(), want.keys(); !slices.Equal(g, w) {
		t.Fatalf("step %d: values %v, want %v", step, g, w)
	}
	for i := range 70 {
		v := fmt.Sprintf("v%d", i)
		g, w := got.Get(v), want.Get(v)
		if (g == nil) != (w == nil) || (g != nil && !g.Equals(w)) {
			t.Fatalf("step %d: %s holds %v, want %v", step, v, g, w)
		}
	}
}

// checkOwnPlacement checks that a value is among the own values exactly when one of its
// documents has it as its id, and then under that document: where a value is must not
// depend on the order of writes (a reloaded engine saves the same bytes).
func checkOwnPlacement(t *testing.T, step int, p *Postings[string]) {
	t.Helper()
	for k, l := range p.ByKey {
		if _, owned := p.ownerIn(k, l); owned {
			t.Fatalf("step %d: %s is in ByKey, though a document of its list has it as its id", step, k)
		}
	}
	for i, e := range p.own.slots {
		if e == freeSlot {
			continue
		}
		owner := p.own.docAt(i)
		if !p.ListBitmap(p.own.listAt(i)).Contains(owner) {
			t.Fatalf("step %d: %s is held under document %d, which is not in its list", step, p.own.idOf(owner), owner)
		}
	}
}

// TestDocTableAnswersAsAMap drives a table and a map through the same random adds,
// replacements (a new number for a live id, as the store's replace does) and deletes,
// over few enough ids that probe runs collide, wrap around the end and are cut by
// backward shifts, and compares every id's answer.
func TestDocTableAnswersAsAMap(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, seed))
			var docs []string // ids by document number; "" once the document left
			table := NewDocTable(func(n uint32) string {
				if docs[n] == "" {
					t.Fatalf("the table read the id of document %d, which left", n)
				}
				return docs[n]
			}, 0)
			want := map[string]uint32{}
			ids := make([]string, 300)
			for i := range ids {
				ids[i] = fmt.Sprintf("doc-%d", i)
			}
			for step := range 5000 {
				id := ids[rng.IntN(len(ids))]
				n, live := want[id]
				switch {
				case !live:
					docs = append(docs, id)
					table.Put(id, uint32(len(docs)-1))
					want[id] = uint32(len(docs) - 1)
				case rng.IntN(2) == 0: // replaced: a new number, then the old one leaves
					docs = append(docs, id)
					table.Put(id, uint32(len(docs)-1))
					docs[n] = ""
					want[id] = uint32(len(docs) - 1)
				default:
					table.DeleteIf(id, n+1) // another number: kept
					table.DeleteIf(id, n)
					docs[n] = ""
					delete(want, id)
				}
				if table.Len() != len(want) {
					t.Fatalf("step %d: %d ids in the table, want %d", step, table.Len(), len(want))
				}
				if step%50 == 0 || step > 4900 {
					checkDocTable(t, step, &table, ids, want)
				}
			}
			c := table.Clone()
			checkDocTable(t, -1, &c, ids, want)
		})
	}
}

func checkDocTable(t *testing.T, step int, table *DocTable[string], ids []string, want map[string]uint32) {
	t.Helper()
	for _, id := range ids {
		n, ok := table.Get(id)
		w, wok := want[id]
		if ok != wok || n != w {
			t.Fatalf("step %d: Get(%q) = %d, %v; want %d, %v", step, id, n, ok, w, wok)
		}
	}
}

// TestDocTablesWithCollidingHashes runs the table's and the postings' random tests again
// with 3-bit hashes (the top bits, which place a value): every probe then meets values
// of its own hash, whose ids it must compare, and runs span much of the table.
func TestDocTablesWithCollidingHashes(t *testing.T) {
	defer func(m uint32) { hashMask = m }(hashMask)
	hashMask = 7 << 29
	t.Run("table", TestDocTableAnswersAsAMap)
	t.Run("postings", TestOwnKeysAnswerAsTheMap)
}

// TestDocTableSizedForALoadDoesNotGrow: a table made for n ids (a load makes one for
// the saved count) takes them without growing, and stays below its load limit.
func TestDocTableSizedForALoadDoesNotGrow(t *testing.T) {
	const n = 10000
	var docs []string
	table := NewDocTable(func(d uint32) string { return docs[d] }, n)
	slots := len(table.slots)
	for i := range n {
		docs = append(docs, fmt.Sprint(i))
		table.Put(docs[i], uint32(i))
	}
	if len(table.slots) != slots {
		t.Fatalf("the table grew from %d to %d slots", slots, len(table.slots))
	}
	if n*4 > slots*3 || n*2 < slots*3/4 {
		t.Fatalf("%d slots for %d ids", slots, n)
	}
}
