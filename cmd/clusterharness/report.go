package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// report is everything the run counted, printed at the end.
type report struct {
	opts      *options
	runID     string
	urls      backendURLs
	roles     []*role
	counts    *counters
	clock     *clock
	ready     *readinessLog
	ledger    *ledger
	faultErrs []string
	verified  *verdictCounts
}

// violations lists everything that fails the run.
func (r *report) violations() []string {
	var out []string
	out = append(out, r.faultErrs...)
	_, failed := r.counts.failureSamples()
	if failed > 0 {
		out = append(out, fmt.Sprintf("%d requests failed other than with 503 + Retry-After inside a failover window (samples above)", failed))
	}
	for _, p := range r.clock.snapshot() {
		for _, ro := range r.roles {
			v := r.ready.verdict(ro, p, r.counts)
			if v.NoAnswer > 0 {
				out = append(out, fmt.Sprintf("%s: /readyz of %s did not answer %d times", p.Name, ro.Name, v.NoAnswer))
			}
			if !v.Back && v.Ready+v.NotReady+v.NoAnswer+v.NotRunning > 0 {
				out = append(out, fmt.Sprintf("%s: %s was not ready again by the end of the phase", p.Name, ro.Name))
			}
		}
	}
	if r.verified == nil {
		out = append(out, "verification did not run")
	} else {
		out = append(out, r.verified.Violations...)
	}
	return out
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\n== planstore fault harness, run %s ==\n", r.runID)
	fmt.Fprintf(w, "redis:         %s\nrabbitmq:      %s\nelasticsearch: %s\n", r.urls.redis, redact(r.urls.amqp), r.urls.es)
	fmt.Fprintf(w, "load: %d clients, %.0f req/s (create %d%%, patch %d%%, delete %d%%, read %d%%, search %d%%)\n",
		r.opts.workers, r.opts.rate, weightCreate, weightPatch, weightDelete, weightRead, 100-weightCreate-weightPatch-weightDelete-weightRead)
	phases := r.clock.snapshot()
	if len(phases) == 0 {
		return
	}
	origin := phases[0].Start

	fmt.Fprintln(w, "\n-- requests by phase: ok / 503+Retry-After in the failover window / other failures --")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "phase\tfrom\tlength\tfault\t")
	for _, k := range opKinds {
		fmt.Fprintf(tw, "%s\t", k)
	}
	fmt.Fprintln(tw, "503 window")
	for _, p := range phases {
		fmt.Fprintf(tw, "%s\t+%s\t%s\t%s\t", p.Name, secs(p.Start.Sub(origin)), secs(p.End.Sub(p.Start)), faultSpan(p))
		var first, last time.Duration
		n := 0
		for _, k := range opKinds {
			t := r.counts.tallyOf(p.Name, k)
			fmt.Fprintf(tw, "%d/%d/%d\t", t.OK, t.Unavailable, t.Failed)
			if t.Unavailable > 0 {
				if n == 0 || t.FirstUnavailable < first {
					first = t.FirstUnavailable
				}
				if t.LastUnavailable > last {
					last = t.LastUnavailable
				}
				n += t.Unavailable
			}
		}
		if n > 0 {
			fmt.Fprintf(tw, "%d 503s from +%s to +%s after the fault", n, secs(first), secs(last))
		} else {
			fmt.Fprint(tw, "-")
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
	if samples, n := r.counts.failureSamples(); n > 0 {
		fmt.Fprintf(w, "\nfailures (%d; first %d):\n", n, len(samples))
		for _, s := range samples {
			fmt.Fprintln(w, "  "+s)
		}
	}

	fmt.Fprintln(w, "\n-- /readyz of every role, sampled every second --")
	for _, p := range phases {
		fmt.Fprintf(w, "%s:\n", p.Name)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, ro := range r.roles {
			fmt.Fprintf(tw, "  %s\t%s\n", ro.Name, r.ready.verdict(ro, p, r.counts))
		}
		_ = tw.Flush()
	}
	var restarts []string
	for _, ro := range r.roles {
		for _, t := range ro.restartTimes() {
			ph, _ := r.clock.at(t)
			restarts = append(restarts, fmt.Sprintf("%s at +%s (%s)", ro.Name, secs(t.Sub(origin)), ph.Name))
		}
	}
	if len(restarts) > 0 {
		fmt.Fprintf(w, "roles that exited and were restarted by the harness: %s\n", strings.Join(restarts, "; "))
	}

	if v := r.verified; v != nil {
		fmt.Fprintln(w, "\n-- verification after the load --")
		fmt.Fprintf(w, "acknowledged live plans:      %d (each: GET on %d API roles = last ETag and document; every object searchable exactly once in its last state on both query APIs; has_parent child count)\n", v.Live, 4)
		fmt.Fprintf(w, "acknowledged deleted plans:   %d (404 everywhere, no object searchable)\n", v.Deleted)
		fmt.Fprintf(w, "unacknowledged creates:       %d present (checked whole, like the live ones), %d absent (checked wholly absent)\n", v.UnackedPresent, v.UnackedAbsent)
		fmt.Fprintf(w, "lost acknowledged writes:     %d\n", v.LostAcks)
		fmt.Fprintf(w, "read model converged in:      %s (%d passes)\n", secs(v.Took), v.Attempts)
	}
	if vs := r.violations(); len(vs) > 0 {
		fmt.Fprintf(w, "\n-- violations (%d) --\n", len(vs))
		for i, s := range vs {
			if i == 40 {
				fmt.Fprintf(w, "  ... and %d more\n", len(vs)-40)
				break
			}
			fmt.Fprintln(w, "  "+s)
		}
	}
}

func faultSpan(p phase) string {
	if p.Fault == nil {
		return "-"
	}
	s := p.Detail
	if !p.RecoveredAt.IsZero() {
		s += fmt.Sprintf(", back after %s", secs(p.RecoveredAt.Sub(p.InjectedAt)))
	}
	return s
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }

// redact hides a password in a URL list before it is printed.
func redact(urls string) string {
	var out []string
	for _, u := range strings.Split(urls, ",") {
		if at := strings.LastIndex(u, "@"); at > 0 {
			if i := strings.Index(u, "://"); i > 0 && i < at {
				if c := strings.Index(u[i+3:at], ":"); c >= 0 {
					u = u[:i+3+c+1] + "***" + u[at:]
				}
			}
		}
		out = append(out, u)
	}
	return strings.Join(out, ",")
}
