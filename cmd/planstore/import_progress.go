package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/planstore/planstore/imports"
)

// importProgress shows one line: on a terminal redrawn in place, elsewhere a new line
// every few seconds (a log file stays readable).
type importProgress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	last     time.Time
}

const progressLogEvery = 5 * time.Second

func newImportProgress(w io.Writer) *importProgress {
	f, ok := w.(interface{ Fd() uintptr })
	return &importProgress{w: w, terminal: ok && f.Fd() <= math.MaxInt && term.IsTerminal(int(f.Fd()))}
}

func (p *importProgress) print(line string, force bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		return
	}
	if force || time.Since(p.last) >= progressLogEvery {
		fmt.Fprintln(p.w, line)
		p.last = time.Now()
	}
}

// uploading shows the bytes sent until stop is called; once stop returns no upload line
// follows, so the line naming the job comes after the last of them.
func (p *importProgress) uploading(sent *atomic.Int64) (stop func()) {
	done, exited := make(chan struct{}), make(chan struct{})
	start := time.Now()
	go func() {
		defer close(exited)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				mb := float64(sent.Load()) / (1 << 20)
				p.print(fmt.Sprintf("uploading: %.1f MiB read, %.1f MiB/s", mb, mb/time.Since(start).Seconds()), false)
			}
		}
	}()
	return func() { close(done); <-exited }
}

// accepted names the job on a line of its own as soon as the server has it. The progress
// lines of a log come every few seconds at most, so without it a log (or a script reading
// it) would learn the job's id only seconds later, or at the job's end: too late to
// follow the job elsewhere or to DELETE it.
func (p *importProgress) accepted(s imports.Status, location string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal {
		fmt.Fprint(p.w, "\r\033[K") // the upload line made way for the lines below
	}
	fmt.Fprintf(p.w, "import %s accepted: %s lines, at %s\n", s.ID, thousands(s.Lines), location)
	p.last = time.Now()
}

func (p *importProgress) show(s imports.Status) { p.print(progressLine(s), false) }

func (p *importProgress) finish(s imports.Status) {
	if p.terminal {
		fmt.Fprintln(p.w)
	} else {
		p.print(progressLine(s), true)
	}
}

// progressLine: "import ID running: 45,000/100,000 lines (45%) | created 44,100 ... | 5,230 lines/s | ETA 11s".
func progressLine(s imports.Status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "import %s %s: %s/%s lines", s.ID, s.State, thousands(s.Processed), thousands(s.Lines))
	if s.Lines > 0 {
		fmt.Fprintf(&b, " (%d%%)", s.Processed*100/s.Lines)
	}
	b.WriteString(" |")
	for _, o := range imports.Outcomes {
		if n := s.Counts[string(o)]; n > 0 {
			fmt.Fprintf(&b, " %s %s", o, thousands(n))
		}
	}
	fmt.Fprintf(&b, " | %s lines/s", thousands(int64(s.Rate)))
	if !s.State.Final() && s.Rate > 0 && s.Lines > s.Processed {
		eta := time.Duration(float64(s.Lines-s.Processed) / s.Rate * float64(time.Second))
		fmt.Fprintf(&b, " | ETA %s", eta.Round(time.Second))
	}
	return b.String()
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
