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
