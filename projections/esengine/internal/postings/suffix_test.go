package postings

import (
	"math/rand/v2"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// Ranges open above answer the union of the lists from their start up, whether the
// unions kept between writes serve them or not, through writes of every kind and with
// documents holding several values.
func TestOpenRangesMatchAModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const docs, values = 5000, 60
	p := NewPostings[float64]()
	model := map[float64]map[uint32]bool{}
	add := func(k float64, doc uint32) {
		p.Add(k, doc)
		if model[k] == nil {
			model[k] = map[uint32]bool{}
		}
		model[k][doc] = true
	}
	for range 20000 {
		add(float64(rng.IntN(values)), uint32(rng.IntN(docs)))
	}
	want := func(lo float64, inclusive bool) *roaring.Bitmap {
		out := roaring.New()
		for k, set := range model {
			if k > lo || (inclusive && k == lo) {
				for doc := range set {
					out.Add(doc)
				}
			}
		}
		return out
	}
	kept := false // whether unions were ever kept
	for step := range 300 {
		// A run of ranges on unchanged postings (the unions are built on the second),
		// then a write.
		for range 1 + rng.IntN(4) {
			lo := Bound[float64]{Value: float64(rng.IntN(values+4) - 2), Inclusive: rng.IntN(2) == 0, Set: true}
			scratch := &Scratch{}
			got := p.Between(lo, Bound[float64]{}, docs, scratch)
			if w := want(lo.Value, lo.Inclusive); !got.Equals(w) {
				t.Fatalf("step %d: range from %v (inclusive %v) got %d documents, want %d", step, lo.Value, lo.Inclusive, got.GetCardinality(), w.GetCardinality())
			}
			scratch.Release()
			kept = kept || p.suffixes != nil
		}
		k, doc := float64(rng.IntN(values)), uint32(rng.IntN(docs))
		switch rng.IntN(3) {
		case 0:
			add(k, doc)
		case 1:
			p.Remove(k, doc)
			delete(model[k], doc)
			if len(model[k]) == 0 {
				delete(model, k)
			}
		default:
			if model[k][doc] {
				to := uint32(rng.IntN(docs))
				p.Move(k, doc, to)
				delete(model[k], doc)
				model[k][to] = true
			}
		}
	}
	if !kept {
		t.Fatal("no range was served by kept unions")
	}
}
