package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// Percentiles of a known uniform distribution 1..10000 µs are within the histogram's
// 0.1% precision of the exact order statistics.
func TestPercentilesOfAKnownDistribution(t *testing.T) {
	h := NewHistogram()
	for i := 1; i <= 10000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 5000 * time.Microsecond}, {95, 9500 * time.Microsecond}, {99, 9900 * time.Microsecond}} {
		got := h.Percentile(c.p)
		if rel := math.Abs(float64(got-c.want)) / float64(c.want); rel > 0.001 {
			t.Errorf("p%v = %v, want %v within 0.1%%", c.p, got, c.want)
		}
	}
	if got := h.Percentile(100); got != 10*time.Millisecond {
		t.Errorf("max = %v, want exactly 10ms", got)
	}
	if h.Count() != 10000 {
		t.Errorf("count %d", h.Count())
	}
}

// Against a sorted sample of random latencies, every reported percentile stays within
// 0.1% of the exact one.
func TestPercentilesMatchSortedSamples(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	h := NewHistogram()
	samples := make([]time.Duration, 50000)
	for i := range samples {
		// Log-normal-ish: most requests fast, a long tail, as real latencies are.
		samples[i] = time.Duration(math.Exp(r.NormFloat64()*0.8+7)) * time.Microsecond
		h.Record(samples[i])
	}
	slices.Sort(samples)
	for _, p := range []float64{50, 95, 99, 99.9} {
		// Nearest rank, rounded as the HDR histogram does (p*n can be 49950.000001).
		exact := samples[int(math.Round(p/100*float64(len(samples))))-1]
		got := h.Percentile(p)
		if rel := math.Abs(float64(got-exact)) / float64(exact); rel > 0.0011 {
			t.Errorf("p%v = %v, exact %v (off by %.3f%%)", p, got, exact, rel*100)
		}
	}
	if h.Percentile(100) != samples[len(samples)-1] {
		t.Errorf("max %v, want %v", h.Percentile(100), samples[len(samples)-1])
	}
}

func TestMergeEqualsRecordingEverythingInOne(t *testing.T) {
	a, b, all := NewHistogram(), NewHistogram(), NewHistogram()
	for i := 1; i <= 1000; i++ {
		d := time.Duration(i*i) * time.Microsecond
		if i%2 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
		all.Record(d)
	}
	a.Merge(b)
	if a.Summary() != all.Summary() || a.Count() != all.Count() {
		t.Fatalf("merged %+v, want %+v", a.Summary(), all.Summary())
	}
}

// Values outside the trackable range are clamped, never dropped.
func TestOutOfRangeValuesAreClamped(t *testing.T) {
	h := NewHistogram()
	h.Record(0)
	h.Record(time.Hour)
	if h.Count() != 2 {
		t.Fatalf("count %d, want 2", h.Count())
	}
	if h.Percentile(100) != time.Hour {
		t.Fatalf("max %v, want the exact 1h", h.Percentile(100))
	}
}

func TestEmptyHistogramSummaryIsZero(t *testing.T) {
	if s := NewHistogram().Summary(); s != (Latency{}) {
		t.Fatalf("summary of nothing: %+v", s)
	}
}
