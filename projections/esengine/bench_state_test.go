package esengine_test

import (
	"bytes"
	"testing"

	"github.com/planstore/planstore/projections/esengine"
	"github.com/planstore/planstore/projections/esengine/internal/benchplans"
)

// BenchmarkLoadState: reading back a saved engine of benchPlans plans (ReadState), which
// is what a restart of serve does instead of rebuilding the engine from the event log.
// It reports documents loaded per second of wall and of CPU time (the load uses a
// second goroutine for the keyword postings, so the two differ).
func BenchmarkLoadState(b *testing.B) {
	e := esengine.New()
	client, err := esengine.NewClient(e)
	if err != nil {
		b.Fatal(err)
	}
	index := createJoinIndex(b, client)
	for from := 0; from < benchPlans; from += 500 {
		bulkInto(b, client, index, planBulk(from, from+500))
	}
	var saved bytes.Buffer
	if err := e.WriteState(&saved, "bench"); err != nil {
		b.Fatal(err)
	}
	docs := 0
	benchplans.Each(0, benchPlans, func(string, string, string) { docs++ })
	b.ReportAllocs()
	b.ResetTimer()
	start := benchplans.CPUTime()
	for b.Loop() {
		if _, _, err := esengine.ReadState(saved.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
	cpu := benchplans.CPUTime() - start
	benchplans.ReportRates(b, b.N*docs, cpu, "docs")
}
