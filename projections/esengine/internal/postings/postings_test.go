package postings

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// Postings behave as a map from value to document set whatever form each list takes
// (single, small array, bitmap), through adds, removes and moves in any order.
func TestPostingsMatchAModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	p := NewPostings[float64]()
	model := map[float64]map[uint32]bool{}
	for step := 0; step < 20000; step++ {
		k := float64(rng.IntN(6))
		doc := uint32(rng.IntN(40))
		if model[k] == nil {
			model[k] = map[uint32]bool{}
		}
		switch rng.IntN(3) {
		case 0, 1:
			p.Add(k, doc)
			model[k][doc] = true
		case 2:
			if len(model[k]) > 0 && rng.IntN(2) == 0 {
				from := slices.Sorted(func(yield func(uint32) bool) {
					for d := range model[k] {
						if !yield(d) {
							return
						}
					}
				})[0]
				to := uint32(40 + rng.IntN(40))
				if !model[k][to] {
					p.Move(k, from, to)
					delete(model[k], from)
					model[k][to] = true
					break
				}
			}
			p.Remove(k, doc)
			delete(model[k], doc)
		}
		if step%97 != 0 {
			continue
		}
		for k, docs := range model {
			want := roaring.New()
			for d := range docs {
				want.Add(d)
			}
			clone := p.Clone() // a copy answers the same, and shares no set
			for _, q := range []*Postings[float64]{p, clone} {
				got := q.Get(k)
				if got == nil {
					got = roaring.New()
				}
				if !got.Equals(want) {
					t.Fatalf("step %d, value %v: got %v, want %v", step, k, got.ToArray(), want.ToArray())
				}
			}
			clone.Add(k, 1000)
			if p.Get(k) != nil && p.Get(k).Contains(1000) {
				t.Fatalf("step %d: adding to a copy changed the original", step)
			}
		}
		all := roaring.New()
		for _, docs := range model {
			for d := range docs {
				all.Add(d)
			}
		}
		if got := p.Between(Bound[float64]{}, Bound[float64]{}, 100, nil); !got.Equals(all) {
			t.Fatalf("step %d: between got %v, want %v", step, got.ToArray(), all.ToArray())
		}
	}
}
