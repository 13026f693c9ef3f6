package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/planstore/planstore/transport/testenv"
)

func TestResolve(t *testing.T) {
	var buf bytes.Buffer
	if m, err := Resolve(ModeAuto, &buf); err != nil || m != ModeLines {
		t.Errorf("auto on a buffer: %v %v, want lines", m, err)
	}
	if m, _ := Resolve(ModeLive, &buf); m != ModeLive {
		t.Errorf("an explicit mode is kept, got %v", m)
	}
	if _, err := Resolve("fancy", &buf); err == nil {
		t.Error("unknown mode accepted")
	}
}

func TestCountersAndStop(t *testing.T) {
	var c Counters
	c.SetPhase("measure")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range 100 {
				c.Done(i%10 == 0)
			}
		})
	}
	wg.Wait()
	phase, ops, errs := c.snapshot()
	if phase != "measure" || ops != 400 || errs != 40 {
		t.Fatalf("snapshot %q %d %d", phase, ops, errs)
	}
	var out testenv.LogBuffer // Start's goroutine writes while the test reads
	d := Start(&out, ModeLive, &c)
	d.Stop()
	d.Stop() // stopping twice is harmless
	if s := out.String(); s != "" && !strings.HasPrefix(s, "\r") {
		t.Fatalf("live output %q", s)
	}
}
