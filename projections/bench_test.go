package projections

import (
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

func BenchmarkDocuments(b *testing.B) {
	plan := exampleplan.JSON()
	b.SetBytes(int64(len(plan)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Documents(plan); err != nil {
			b.Fatal(err)
		}
	}
}
