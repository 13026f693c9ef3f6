package projections

import "testing"

func BenchmarkDocuments(b *testing.B) {
	plan := examplePlan(b)
	b.SetBytes(int64(len(plan)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Documents(plan); err != nil {
			b.Fatal(err)
		}
	}
}
