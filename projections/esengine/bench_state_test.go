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
	e := indexedPlans(b, benchPlans)
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

// indexedPlans returns an engine holding plans plans in the benchmarks' join index.
func indexedPlans(tb testing.TB, plans int) *esengine.Engine {
	e := esengine.New()
	client, err := esengine.NewClient(e)
	if err != nil {
		tb.Fatal(err)
	}
	index := createJoinIndex(tb, client)
	for from := 0; from < plans; from += 500 {
		bulkInto(tb, client, index, planBulk(from, min(from+500, plans)))
	}
	return e
}
