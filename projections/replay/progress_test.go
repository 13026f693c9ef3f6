package replay

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func statuses(total int64) []Status {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	end := start.Add(2 * time.Second)
	eta := 1.0
	base := Status{ID: "job-1", StartedAt: start, IndexFrom: "plans-000001", IndexTo: "plans-20260102-030405.000",
		PartitionsTotal: 2, EventsTotal: total}
	var out []Status
	for i, phase := range []Phase{PhaseCleaning, PhaseCopying, PhaseCopying, PhaseSwapping} {
		s := base
		s.State, s.Phase = StateRunning, phase
		s.EventsRead, s.RatePerSecond = int64(i)*500, 1000
		if total > 0 {
			s.ETASeconds = &eta
		}
		out = append(out, s)
	}
	done := base
	done.State, done.Phase, done.FinishedAt = StateDone, PhaseFinished, &end
	done.EventsRead, done.DocumentsWritten, done.Plans, done.RatePerSecond, done.PartitionsDone = 2000, 15000, 300, 1000, 2
	return append(out, done)
}

// Off a terminal (a log, CI), progress is plain lines at phase changes, then the counts.
func TestProgressPrinterWritesLinesOffATerminal(t *testing.T) {
	var out bytes.Buffer
	p := NewProgressPrinter(&out)
	for _, s := range statuses(2000) {
		p.Update(s)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want one per phase and the summary:\n%s", len(lines), out.String())
	}
	if !strings.Contains(lines[1], "copying, 500/2000 events (25%), 1000 events/s, 0/2 partitions, ETA 1s") {
		t.Errorf("progress line %q", lines[1])
	}
	want := "replay job-1 done in 2s: 2000 events, 300 plans, 15000 documents written (1000 events/s); alias moved from plans-000001 to plans-20260102-030405.000"
	if lines[3] != want {
		t.Errorf("summary %q, want %q", lines[3], want)
	}
	p.Update(statuses(2000)[4])
	if strings.Count(out.String(), "done in") != 1 {
		t.Error("the summary was printed twice")
	}
}

// On a terminal, a bar with rate and ETA (a counter when the total is unknown), then
// the same summary line.
func TestProgressPrinterDrawsABarOnATerminal(t *testing.T) {
	for _, total := range []int64{2000, 0} {
		var out bytes.Buffer
		p := NewProgressPrinter(&out)
		p.terminal = true
		for _, s := range statuses(total) {
			p.Update(s)
		}
		text := out.String()
		if !strings.Contains(text, "events/s") || !strings.Contains(text, "2000") {
			t.Errorf("total %d: no bar with a rate and count:\n%q", total, text)
		}
		if !strings.HasSuffix(text, "plans-20260102-030405.000\n") {
			t.Errorf("total %d: output does not end with the summary:\n%q", total, text)
		}
	}
}
