package stats

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteTable writes r for a human: one line of setup, the operations table, errors,
// projection lag and the cost of the generator and the server.
func (r *Report) WriteTable(out io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "planbench %s -> %s  (run %s, %d clients, %.1f s measured after %.1f s warmup)\n",
		r.Scenario, r.Target, r.RunID, r.Clients, r.ElapsedSeconds, r.WarmupSeconds)
	if r.Mix != "" {
		fmt.Fprintf(&b, "mix: %s\n", r.Mix)
	}
	if p := r.Preload; p != nil {
		fmt.Fprintf(&b, "preload: %d plans in %.1f s (%.0f/s, %d errors)", p.Plans, p.Seconds, p.PerSecond, p.Errors)
		if p.SearchableWithin > 0 {
			fmt.Fprintf(&b, ", searchable %s after the last create", formatMs(p.SearchableWithin))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	r.writeOps(&b)
	r.writeErrors(&b)
	r.writeLag(&b)
	g := r.Generator
	fmt.Fprintf(&b, "\ngenerator: GOMAXPROCS=%d (NumCPU %d), used %.2f CPU cores (%.0f µs per request)",
		g.GOMAXPROCS, g.NumCPU, g.CPUCores, g.CPUPerRequest)
	if r.Server == nil || g.NumCPU <= 2 {
		b.WriteString("; it shares the CPUs with the server when both run on this host")
	}
	b.WriteString("\n")
	if s := r.Server; s != nil {
		fmt.Fprintf(&b, "server pid %d: RSS %.1f MB (peak %.1f MB), %.2f CPU cores (%.0f µs per request)\n",
			s.PID, float64(s.RSSKB)/1024, float64(s.PeakRSSKB)/1024, s.CPUCores, s.CPUPerRequest)
	}
	for _, s := range r.Backends {
		fmt.Fprintf(&b, "backend pid %d: RSS %.1f MB (peak %.1f MB), %.2f CPU cores\n",
			s.PID, float64(s.RSSKB)/1024, float64(s.PeakRSSKB)/1024, s.CPUCores)
	}
	if h := r.Host; h != nil {
		fmt.Fprintf(&b, "host: load average %.2f, %.2f cores busy, of which %.2f by other processes", h.Load1, h.BusyCores, h.OtherCores)
		if r.Server == nil {
			b.WriteString(" (the server's included: --server-pid separates it)")
		}
		b.WriteString("\n")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	if _, err := io.WriteString(out, b.String()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// writeOps writes the operations table: names left-aligned, numbers right-aligned.
// ok/s counts 200/201 and 304 answers; 412s are neither successes nor errors.
func (r *Report) writeOps(b *strings.Builder) {
	names := []string{"op", "total"}
	for _, op := range r.Ops {
		names = append(names, r.displayName(op.Op))
	}
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-*s\tok/s\tok\t304\t412\terrors\tp50\tp95\tp99\tmax\t\n", width, "op")
	for _, op := range r.Ops {
		l := op.Latency
		fmt.Fprintf(tw, "%-*s\t%.1f\t%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t\n", width, r.displayName(op.Op),
			op.OKPerSecond, op.OK, dash(op.NotModified), dash(op.PreconditionFailed), op.Errors,
			formatMs(l.P50), formatMs(l.P95), formatMs(l.P99), formatMs(l.Max))
	}
	t := r.Totals
	fmt.Fprintf(tw, "%-*s\t%.1f\t%d\t%s\t%s\t%d\t\t\t\t\t\n", width, "total", t.OKPerSecond, t.OK,
		dash(t.NotModified), dash(t.PreconditionFailed), t.Errors)
	_ = tw.Flush() // writes to a strings.Builder cannot fail
}

// displayName indents the variants of a group under the group's row.
func (r *Report) displayName(op string) string {
	if g, v, ok := strings.Cut(op, GroupSeparator); ok && r.isGroupRow(g) {
		return "  " + GroupSeparator + v
	}
	return op
}

func (r *Report) writeErrors(b *strings.Builder) {
	if r.Totals.Errors == 0 {
		return
	}
	b.WriteString("\nerrors:\n")
	for _, op := range r.Ops {
		if r.isGroupRow(op.Op) {
			continue
		}
		for _, k := range sortedKeys(op.ErrorsByStatus) {
			fmt.Fprintf(b, "  %-22s HTTP %s x%d%s\n", op.Op, k, op.ErrorsByStatus[k], example(op, "status "+k))
		}
		for _, k := range sortedKeys(op.ErrorsByTransport) {
			fmt.Fprintf(b, "  %-22s %s x%d%s\n", op.Op, k, op.ErrorsByTransport[k], example(op, k))
		}
	}
}

func (r *Report) writeLag(b *strings.Builder) {
	lag := r.Lag
	if lag == nil {
		return
	}
	l := lag.Latency
	fmt.Fprintf(b, "\nprojection lag, 201 -> searchable (%d sampled creates, polled every %s): p50 %s  p95 %s  p99 %s  max %s",
		lag.Sampled, formatMs(lag.PollIntervalMs), formatMs(l.P50), formatMs(l.P95), formatMs(l.P99), formatMs(l.Max))
	if lag.NotSeen > 0 {
		fmt.Fprintf(b, "  (%d never seen)", lag.NotSeen)
	}
	b.WriteString("\n")
	if d := lag.Drain; d != nil {
		if d.TimedOut {
			fmt.Fprintf(b, "  only %d of %d plans searchable %s after the last create (gave up)\n", d.Searchable, d.Created, formatMs(d.WithinMs))
		} else {
			fmt.Fprintf(b, "  all %d plans searchable within %s after the last create\n", d.Created, formatMs(d.WithinMs))
		}
	}
}

func example(op OpReport, key string) string {
	if e := op.ErrorExamples[key]; e != "" {
		return "  e.g. " + strconv.Quote(truncate(e, 160))
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func dash(n int64) string {
	if n == 0 {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}

// formatMs prints a duration in milliseconds with about three significant digits.
func formatMs(ms float64) string {
	switch {
	case ms == 0:
		return "-"
	case ms >= 1000:
		return strconv.FormatFloat(ms/1000, 'f', 2, 64) + "s"
	case ms >= 100:
		return strconv.FormatFloat(ms, 'f', 0, 64) + "ms"
	case ms >= 10:
		return strconv.FormatFloat(ms, 'f', 1, 64) + "ms"
	default:
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	}
}
