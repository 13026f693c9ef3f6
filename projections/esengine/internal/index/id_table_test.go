package index

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestIDTableAnswersAsAMap drives the table and a map through the same random adds,
// replacements (a new number for a live id, as Store.replace does) and deletes, over
// few enough ids that probe runs collide, wrap around the end and are cut by backward
// shifts, and compares every id's answer after each step.
func TestIDTableAnswersAsAMap(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, seed))
			var docs []*StoredDoc
			table := newIDTable(0)
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
					docs = append(docs, &StoredDoc{Id: id})
					table.set(docs, id, uint32(len(docs)-1))
					want[id] = uint32(len(docs) - 1)
				case rng.IntN(2) == 0: // replaced: a new number, then the old one leaves
					docs = append(docs, &StoredDoc{Id: id})
					table.set(docs, id, uint32(len(docs)-1))
					docs[n] = nil
					want[id] = uint32(len(docs) - 1)
				default:
					table.deleteIf(docs, id, n+1) // another number: kept
					table.deleteIf(docs, id, n)
					docs[n] = nil
					delete(want, id)
				}
				if table.count != len(want) {
					t.Fatalf("step %d: %d ids in the table, want %d", step, table.count, len(want))
				}
				if step%50 == 0 || step > 4900 {
					checkIDTable(t, step, &table, docs, ids, want)
				}
			}
			c := table.clone()
			checkIDTable(t, -1, &c, docs, ids, want)
		})
	}
}

func checkIDTable(t *testing.T, step int, table *idTable, docs []*StoredDoc, ids []string, want map[string]uint32) {
	t.Helper()
	for _, id := range ids {
		n, ok := table.get(docs, id)
		w, wok := want[id]
		if ok != wok || n != w {
			t.Fatalf("step %d: get(%q) = %d, %v; want %d, %v", step, id, n, ok, w, wok)
		}
	}
}

// TestIDTableSizedForALoadDoesNotGrow: a table made for n ids (ReadState makes one for
// the saved count) takes them without growing, and stays below its load limit.
func TestIDTableSizedForALoadDoesNotGrow(t *testing.T) {
	const n = 10000
	table := newIDTable(n)
	slots := len(table.slots)
	docs := make([]*StoredDoc, 0, n)
	for i := range n {
		docs = append(docs, &StoredDoc{Id: fmt.Sprint(i)})
		table.set(docs, docs[i].Id, uint32(i))
	}
	if len(table.slots) != slots {
		t.Fatalf("the table grew from %d to %d slots", slots, len(table.slots))
	}
	if n*4 > slots*3 || n*2 < slots*3/4 {
		t.Fatalf("%d slots for %d ids", slots, n)
	}
}
