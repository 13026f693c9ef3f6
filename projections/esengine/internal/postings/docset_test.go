package postings

import (
	"math/rand/v2"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// randomBitmap holds each document below size with probability p: arrays, bitmap
// containers and, after RunOptimize, runs, depending on p.
func randomBitmap(rng *rand.Rand, size int, p float64) *roaring.Bitmap {
	bm := roaring.New()
	for doc := range size {
		if rng.Float64() < p {
			bm.Add(uint32(doc))
		}
	}
	bm.RunOptimize()
	return bm
}

// A DenseSet filled by AddAll and narrowed by Keep holds what roaring's Or and And
// make of the same sets, whatever containers they hold and whether the set was empty.
func TestDenseSetMatchesRoaring(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const size = 3*65536 + 100
	for round := range 30 {
		a := randomBitmap(rng, size, []float64{0.001, 0.05, 0.2, 0.99}[round%4])
		b := randomBitmap(rng, size, []float64{0.99, 0.3, 0.01, 0.06}[round%4])
		keep := randomBitmap(rng, size, []float64{0.5, 0.02, 0.9999, 0.1}[round%4])
		scratch := &Scratch{}
		d := scratch.Dense(size)
		d.AddAll(a)
		d.AddAll(b)
		if got, want := d.Bitmap(), roaring.Or(a, b); !got.Equals(want) {
			t.Fatalf("round %d: AddAll made %d documents, want %d", round, got.GetCardinality(), want.GetCardinality())
		}
		d.Keep(keep, scratch)
		if got, want := d.Bitmap(), roaring.And(roaring.Or(a, b), keep); !got.Equals(want) {
			t.Fatalf("round %d: Keep left %d documents, want %d", round, got.GetCardinality(), want.GetCardinality())
		}
		scratch.Release()
	}
}

// AddImages maps each document through the image, skipping negative entries, over the
// words asked for only.
func TestAddImages(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const size = 70000
	image := make([]int32, size)
	for i := range image {
		image[i] = int32(rng.IntN(size+size/4)) - size/4 // about a fifth map to none
	}
	src := NewDenseSet(size)
	for range 20000 {
		src.Add(uint32(rng.IntN(size)))
	}
	from, to := 7, len(src.Words)-3
	want := roaring.New()
	src.EachBatch(func(batch []uint32) bool {
		for _, doc := range batch {
			if int(doc>>6) >= from && int(doc>>6) < to && image[doc] >= 0 {
				want.Add(uint32(image[doc]))
			}
		}
		return true
	})
	got := NewDenseSet(size)
	got.AddImages(src, from, to, image)
	if !got.Bitmap().Equals(want) {
		t.Fatalf("AddImages made %d documents, want %d", got.Bitmap().GetCardinality(), want.GetCardinality())
	}
}
