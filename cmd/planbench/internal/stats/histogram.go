// Package stats records the outcome and latency of every request of a load run and
// summarizes them into a report. A Recorder is owned by one worker (no locks on the hot
// path); the runner merges the workers' recorders once the run is over.
package stats

import (
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Latencies are recorded in microseconds from 1 µs to 5 minutes with 3 significant
// digits: every percentile is within 0.1% of the true value, in a fixed ~40 KB per
// histogram however many requests are recorded.
const (
	lowestMicros  = 1
	highestMicros = int64(5 * time.Minute / time.Microsecond)
	sigFigs       = 3
)

// Histogram is a latency distribution. It keeps the exact maximum beside the HDR
// histogram, whose own maximum is only accurate to its precision.
type Histogram struct {
	h   *hdrhistogram.Histogram
	max time.Duration
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram {
	return &Histogram{h: hdrhistogram.New(lowestMicros, highestMicros, sigFigs)}
}

// Record adds one latency. Values outside the trackable range are clamped rather than
// dropped, so a pathological request still counts (as 1 µs or 5 minutes).
func (h *Histogram) Record(d time.Duration) {
	us := min(max(d.Microseconds(), lowestMicros), highestMicros)
	_ = h.h.RecordValue(us) // cannot fail: us is within the histogram's range
	h.max = max(h.max, d)
}

// Merge adds every value of other to h.
func (h *Histogram) Merge(other *Histogram) {
	h.h.Merge(other.h) // drops nothing: both have the same range
	h.max = max(h.max, other.max)
}

// Count is the number of recorded values.
func (h *Histogram) Count() int64 { return h.h.TotalCount() }

// Percentile returns the latency at p (0..100).
func (h *Histogram) Percentile(p float64) time.Duration {
	if p >= 100 {
		return h.max
	}
	return time.Duration(h.h.ValueAtPercentile(p)) * time.Microsecond
}

// Summary is the percentiles planbench reports, in milliseconds for JSON readers.
func (h *Histogram) Summary() Latency {
	if h.Count() == 0 {
		return Latency{}
	}
	return Latency{
		P50:  millis(h.Percentile(50)),
		P95:  millis(h.Percentile(95)),
		P99:  millis(h.Percentile(99)),
		Max:  millis(h.max),
		Mean: roundMillis(h.h.Mean() / 1000),
	}
}

// Latency holds percentiles in milliseconds.
type Latency struct {
	P50  float64 `json:"p50_ms"`
	P95  float64 `json:"p95_ms"`
	P99  float64 `json:"p99_ms"`
	Max  float64 `json:"max_ms"`
	Mean float64 `json:"mean_ms"`
}

func millis(d time.Duration) float64 { return roundMillis(float64(d) / float64(time.Millisecond)) }

// roundMillis keeps microsecond resolution: more digits are noise in a report.
func roundMillis(ms float64) float64 {
	return float64(int64(ms*1000+0.5)) / 1000
}
