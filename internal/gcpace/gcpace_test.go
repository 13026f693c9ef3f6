package gcpace

import (
	"runtime"
	"testing"
	"time"
)

func TestPercentFor(t *testing.T) {
	const mib = 1 << 20
	cases := []struct {
		live, floor uint64
		want        int
	}{
		{live: 32 * mib, floor: 256 * mib, want: 700},
		{live: 128 * mib, floor: 256 * mib, want: 100},
		{live: 200 * mib, floor: 256 * mib, want: 28},
		{live: 256 * mib, floor: 256 * mib, want: 0},
		{live: 4 << 30, floor: 256 * mib, want: 0},
		{live: 0, floor: 256 * mib, want: maxPercent},
		{live: 1, floor: 256 * mib, want: maxPercent},
	}
	for _, c := range cases {
		if got := percentFor(c.live, c.floor); got != c.want {
			t.Errorf("percentFor(%d, %d) = %d, want %d", c.live, c.floor, got, c.want)
		}
	}
}

// collectUntil runs collections until cond holds: the pace is re-applied by a cleanup
// after each collection, on the runtime's cleanup goroutine.
func collectUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for range 200 {
		if cond() {
			return
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the pace never changed: percent %d", Percent())
}

func TestFloorPacesASmallHeapAndGOGCALargeOne(t *testing.T) {
	if userSetGOGC {
		t.Skip("GOGC is set in the environment, which turns the floor off by design")
	}
	base := Percent()
	t.Cleanup(func() { SetFloor(0) })

	SetFloor(1 << 40) // far above this test's heap
	collectUntil(t, func() bool { return Percent() == maxPercent })

	SetFloor(1) // below any heap: GOGC's pace
	collectUntil(t, func() bool { return Percent() == base })

	SetFloor(0)
	if got := Percent(); got != base {
		t.Fatalf("without a floor the percent is %d, want GOGC's %d", got, base)
	}
}

func TestHoldRaisesThePercentUntilReleased(t *testing.T) {
	base := Percent()
	release := Hold(base + 300)
	if got := Percent(); got != base+300 {
		t.Fatalf("held percent %d, want %d", got, base+300)
	}
	inner := Hold(base + 100) // a lower hold inside changes nothing
	if got := Percent(); got != base+300 {
		t.Fatalf("with a lower hold inside: %d, want %d", got, base+300)
	}
	release()
	if got := Percent(); got != base+100 {
		t.Fatalf("after the outer release: %d, want the inner %d", got, base+100)
	}
	release() // a second release is harmless
	inner()
	if got := Percent(); got != base {
		t.Fatalf("after both releases: %d, want GOGC's %d", got, base)
	}
}

func TestHoldSetsTheFloorAside(t *testing.T) {
	if userSetGOGC {
		t.Skip("GOGC is set in the environment, which turns the floor off by design")
	}
	base := Percent()
	t.Cleanup(func() { SetFloor(0) })
	SetFloor(1 << 40)
	collectUntil(t, func() bool { return Percent() == maxPercent })

	release := Hold(base + 300)
	if got := Percent(); got != base+300 {
		t.Fatalf("held under a floor: %d, want the hold's %d", got, base+300)
	}
	release()
	if got := Percent(); got != maxPercent {
		t.Fatalf("after the release: %d, want the floor's %d again", got, maxPercent)
	}
}
