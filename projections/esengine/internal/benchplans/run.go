package benchplans

import (
	"testing"
	"time"
)

// Run calls step b.N times with i counting 0..rounds-1 over and over, timed and with
// allocations reported, and returns the CPU time the calls used. Each time the count
// starts over, reset (when not nil) runs outside the timer: the write benchmarks start
// a fresh index there, so every call writes new documents.
func Run(b *testing.B, rounds int, reset func(), step func(i int)) time.Duration {
	b.ReportAllocs()
	b.ResetTimer()
	cpuStart := CPUTime()
	for i := 0; i < b.N; i++ {
		if i > 0 && i%rounds == 0 && reset != nil {
			b.StopTimer()
			reset()
			b.StartTimer()
		}
		step(i % rounds)
	}
	return CPUTime() - cpuStart
}

// ReportRates reports n things (e.g. "docs") done by the benchmark per wall-clock
// second and per CPU second, cpu being what Run returned.
func ReportRates(b *testing.B, n int, cpu time.Duration, unit string) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), unit+"/s")
	b.ReportMetric(float64(n)/cpu.Seconds(), unit+"/cpu-s")
}
