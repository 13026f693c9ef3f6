// Package gcpace paces Go's garbage collector for a server whose live heap may be tiny
// or huge: the heap may grow to a floor (say 256 MiB) before the collector runs, and
// above the floor GOGC applies as usual.
//
// With GOGC=100 alone a server that keeps 30 MB live collects every time it has
// allocated 30 MB more, which under a burst of writes is several times a second: the
// collector then took ~15 % of planstore's CPU per create on the embedded default.
// The memory that pace buys is bounded by the floor, so small deployments stay small
// and large ones (whose heap is above the floor anyway) are paced by GOGC alone. This
// is the effect of a heap ballast or Uber's GOGC tuner, done with the runtime's own
// knobs: after every collection the percent is set so that the next one starts at the
// floor or at GOGC's goal, whichever is later. GOMEMLIMIT, when set, still caps the
// heap: the runtime collects earlier as it nears the limit, whatever the percent.
package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sync"
)

// maxPercent bounds the percent when the live heap is nearly empty, where the floor
// alone would ask for an absurd one.
const maxPercent = 10_000

var pace struct {
	mu      sync.Mutex
	started bool
	base    int    // GOGC's percent, as the process started; < 0 means the collector is off
	floor   uint64 // 0: no floor
	holds   []int  // percents asked for by Hold, in force until released
	percent int    // what was last set
}

// userSetGOGC is true when the environment chose the collector's pace; the floor then
// stays off, since the user asked for that pace and no other.
var userSetGOGC = os.Getenv("GOGC") != ""

// SetFloor lets the heap grow to floor bytes before the collector runs (0 turns the
// floor off). It is ignored when GOGC is set in the environment or the collector is
// off. It may be called again; the last call wins.
func SetFloor(floor uint64) {
	pace.mu.Lock()
	defer pace.mu.Unlock()
	startLocked()
	if userSetGOGC {
		floor = 0
	}
	pace.floor = floor
	if floor > 0 {
		armOnce.Do(arm)
	}
	applyLocked()
}

// Hold keeps the percent at least percent until release is called, for work that
// allocates what it keeps and little garbage (loading a saved engine), where each
// collection would mark the growing heap again for nothing. The floor is set aside while a hold
// lasts: such work knows its pace, and a floor on top of it only moved where the
// collections fell and raised a million-plan load's peak by ~170 MB.
func Hold(percent int) (release func()) {
	pace.mu.Lock()
	defer pace.mu.Unlock()
	startLocked()
	pace.holds = append(pace.holds, percent)
	applyLocked()
	var once sync.Once
	return func() {
		once.Do(func() {
			pace.mu.Lock()
			defer pace.mu.Unlock()
			if i := slices.Index(pace.holds, percent); i >= 0 {
				pace.holds = slices.Delete(pace.holds, i, i+1)
			}
			applyLocked()
		})
	}
}

// Percent is the percent in force (GOGC's, when nothing changed it).
func Percent() int {
	pace.mu.Lock()
	defer pace.mu.Unlock()
	startLocked()
	return pace.percent
}

// startLocked reads GOGC's percent the first time the package is used.
func startLocked() {
	if pace.started {
		return
	}
	pace.started = true
	pace.base = debug.SetGCPercent(100)
	debug.SetGCPercent(pace.base)
	pace.percent = pace.base
}

// applyLocked sets the percent that the floor, the holds and GOGC ask for together.
func applyLocked() {
	if pace.base < 0 {
		return // the collector is off: nothing to pace
	}
	want := pace.base
	for _, h := range pace.holds {
		want = max(want, h)
	}
	if pace.floor > 0 && len(pace.holds) == 0 {
		want = max(want, percentFor(liveHeap(), pace.floor))
	}
	if want != pace.percent {
		debug.SetGCPercent(want)
		pace.percent = want
	}
}

// percentFor is the percent at which a heap of live bytes reaches floor before the next
// collection: 0 when live is already at the floor or above, at most maxPercent.
func percentFor(live, floor uint64) int {
	if live >= floor {
		return 0
	}
	if live == 0 {
		return maxPercent
	}
	p := (floor - live) * 100 / live
	return int(min(p, maxPercent))
}

var liveSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// liveHeap is the heap the last collection found live. Callers hold pace.mu, which
// also guards liveSample.
func liveHeap() uint64 {
	metrics.Read(liveSample)
	if liveSample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return liveSample[0].Value.Uint64()
}

var armOnce sync.Once

// gcSentinel is garbage the moment it is made; its cleanup runs after the collection
// that found it, which makes one call per collection. It is larger than the runtime's
// tiny-allocation size so it is never batched with other objects.
type gcSentinel [64]byte

// arm leaves a sentinel for the next collection, whose cleanup re-applies the pace from
// the heap that collection found live and arms the next one.
func arm() {
	runtime.AddCleanup(new(gcSentinel), func(struct{}) {
		pace.mu.Lock()
		applyLocked()
		pace.mu.Unlock()
		arm()
	}, struct{}{})
}
