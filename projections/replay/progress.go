package replay

import (
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// DefaultLineInterval is how often a ProgressPrinter writes a line when its writer is
// not a terminal (a log file, CI output).
const DefaultLineInterval = 10 * time.Second

// ProgressPrinter shows a replay's progress for the CLI: on a terminal a progress bar
// with events/s and an ETA (a spinner with counts when the log's length is unknown),
// elsewhere one plain line every DefaultLineInterval and at every phase change. Both
// end with one summary line of counts. Pass its Update to Replayer.Run.
type ProgressPrinter struct {
	w            io.Writer
	terminal     bool
	lineInterval time.Duration
	now          func() time.Time

	mu       sync.Mutex
	bar      *progressbar.ProgressBar
	bounded  bool // the bar knows the total
	lastLine time.Time
	phase    Phase
	done     bool
}

// NewProgressPrinter writes to w, drawing a bar only when w is a terminal.
func NewProgressPrinter(w io.Writer) *ProgressPrinter {
	return &ProgressPrinter{w: w, terminal: isTerminal(w), lineInterval: DefaultLineInterval, now: time.Now}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && f.Fd() <= math.MaxInt && term.IsTerminal(int(f.Fd()))
}

// Update shows s; call it with every status a replay reports, the final one included.
func (p *ProgressPrinter) Update(s Status) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	if p.terminal {
		p.drawBar(s)
	} else {
		p.printLine(s)
	}
	if s.Done() {
		p.done = true
		fmt.Fprintln(p.w, summary(s))
	}
}

// drawBar starts the bar once the copy begins (the total is known by then) and moves it.
func (p *ProgressPrinter) drawBar(s Status) {
	if p.bar == nil {
		if s.Phase == PhaseLocking || s.Phase == PhaseCleaning {
			return
		}
		total := s.EventsTotal
		p.bounded = total > 0
		if !p.bounded {
			total = -1 // unknown: a spinner with counts and rate
		}
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription("replay "+s.IndexTo),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("events"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
		)
	}
	current := s.EventsRead
	if max := p.bar.GetMax64(); p.bounded && current > max {
		// Catch-up reads events committed after the total was taken.
		p.bar.ChangeMax64(current)
	}
	if s.Phase != p.phase {
		p.phase = s.Phase
		p.bar.Describe(fmt.Sprintf("replay %s (%s)", s.IndexTo, s.Phase))
	}
	_ = p.bar.Set64(current) // only fails on a broken writer; the summary line says it all
	if s.Done() {
		if s.State == StateDone {
			_ = p.bar.Finish()
		} else {
			_ = p.bar.Exit()
		}
		fmt.Fprintln(p.w)
	}
}

// printLine writes a line at every phase change and every lineInterval.
func (p *ProgressPrinter) printLine(s Status) {
	now := p.now()
	if s.Done() || (s.Phase == p.phase && now.Sub(p.lastLine) < p.lineInterval) {
		return
	}
	p.phase, p.lastLine = s.Phase, now
	line := fmt.Sprintf("replay %s: %s, %d", s.ID, s.Phase, s.EventsRead)
	if s.EventsTotal > 0 {
		line += fmt.Sprintf("/%d events (%.0f%%)", s.EventsTotal, 100*float64(min(s.EventsRead, s.EventsTotal))/float64(s.EventsTotal))
	} else {
		line += " events"
	}
	line += fmt.Sprintf(", %.0f events/s, %d/%d partitions", s.RatePerSecond, s.PartitionsDone, s.PartitionsTotal)
	if s.ETASeconds != nil {
		line += ", ETA " + (time.Duration(*s.ETASeconds * float64(time.Second))).Round(time.Second).String()
	}
	fmt.Fprintln(p.w, line)
}

// summary is the closing line: the counts docs/contract.md 6 promises.
func summary(s Status) string {
	took := time.Duration(0)
	if s.FinishedAt != nil {
		took = s.FinishedAt.Sub(s.StartedAt).Round(time.Millisecond)
	}
	if s.State == StateFailed {
		return fmt.Sprintf("replay %s failed after %s: %d events read, %d documents written: %s", s.ID, took, s.EventsRead, s.DocumentsWritten, s.Error)
	}
	from := s.IndexFrom
	if from == "" {
		from = "no index"
	}
	return fmt.Sprintf("replay %s done in %s: %d events, %d plans, %d documents written (%.0f events/s); alias moved from %s to %s",
		s.ID, took, s.EventsRead, s.Plans, s.DocumentsWritten, s.RatePerSecond, from, s.IndexTo)
}
