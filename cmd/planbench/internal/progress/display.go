package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// Mode selects how progress is shown.
type Mode string

// Modes of --progress.
const (
	ModeAuto  Mode = "auto"  // ModeLive on a terminal, ModeLines otherwise
	ModeLive  Mode = "live"  // one line rewritten every second
	ModeLines Mode = "lines" // a new line every few seconds
	ModeOff   Mode = "off"
)

// Intervals of the two displays: a terminal can take a refresh every second, a log
// file should not get one.
const (
	liveInterval  = time.Second
	linesInterval = 5 * time.Second
)

// Resolve turns auto into live or lines depending on whether w is a terminal.
func Resolve(m Mode, w io.Writer) (Mode, error) {
	switch m {
	case ModeLive, ModeLines, ModeOff:
		return m, nil
	case ModeAuto, "":
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			return ModeLive, nil
		}
		return ModeLines, nil
	default:
		return "", fmt.Errorf("--progress %q: want auto, live, lines or off", m)
	}
}

// Display prints the counters periodically until Stop.
type Display struct {
	w     io.Writer
	mode  Mode
	c     *Counters
	start time.Time
	done  chan struct{}
	wg    sync.WaitGroup
}

// Start begins displaying c on w in mode (already resolved).
func Start(w io.Writer, mode Mode, c *Counters) *Display {
	d := &Display{w: w, mode: mode, c: c, start: time.Now(), done: make(chan struct{})}
	if mode == ModeOff {
		return d
	}
	interval := linesInterval
	if mode == ModeLive {
		interval = liveInterval
	}
	d.wg.Go(func() { d.loop(interval) })
	return d
}

func (d *Display) loop(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	_, lastOps, _ := d.c.snapshot()
	last := time.Now()
	for {
		select {
		case <-d.done:
			if d.mode == ModeLive {
				fmt.Fprint(d.w, "\r\x1b[K") // leave the terminal line clean for the report
			}
			return
		case now := <-t.C:
			phase, ops, errs := d.c.snapshot()
			rate := float64(ops-lastOps) / now.Sub(last).Seconds()
			lastOps, last = ops, now
			line := fmt.Sprintf("%-8s %6.1fs  %8.0f req/s  %9d requests  %d errors",
				phase, now.Sub(d.start).Seconds(), rate, ops, errs)
			if d.mode == ModeLive {
				fmt.Fprint(d.w, "\r\x1b[K"+line)
			} else {
				fmt.Fprintln(d.w, line)
			}
		}
	}
}

// Stop ends the display and waits for its last write.
func (d *Display) Stop() {
	select {
	case <-d.done:
	default:
		close(d.done)
	}
	d.wg.Wait()
}
