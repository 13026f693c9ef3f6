package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"

	"github.com/planstore/planstore/cmd/planbench/internal/bare"
	"github.com/planstore/planstore/cmd/planbench/internal/client"
	"github.com/planstore/planstore/cmd/planbench/internal/load"
	"github.com/planstore/planstore/cmd/planbench/internal/stats"
)

// readTarget is the share of the bare handler's read throughput planstore should reach.
const readTarget = 0.6

// baselineReport is the JSON of `planbench baseline`.
type baselineReport struct {
	BareMode string          `json:"bare_mode"`
	Rounds   []baselineRound `json:"rounds"`
	// Ratio is the median over the rounds of planstore's successful reads per second
	// over the bare handler's.
	Ratio  float64 `json:"planstore_vs_bare"`
	Target float64 `json:"target"`
	// CPURatio is the median of the bare handler's server CPU per request over
	// planstore's: the same comparison by cost rather than rate, which other work on a
	// shared machine disturbs far less. Only with --bare process and --server-pid.
	CPURatio float64 `json:"planstore_vs_bare_by_cpu,omitempty"`
}

type baselineRound struct {
	Planstore *stats.Report `json:"planstore"`
	Bare      *stats.Report `json:"bare"`
	Ratio     float64       `json:"planstore_vs_bare"`
	CPURatio  float64       `json:"planstore_vs_bare_by_cpu,omitempty"`
}

// runBaseline preloads plans into planstore, reads them back under load, then serves
// the very same bytes and ETags from a bare net/http handler and runs the identical
// read load (same clients, seed, duration) against it. On a shared machine other work
// comes and goes, so --rounds alternates the two and takes the median ratio.
func runBaseline(ctx context.Context, opts *options, stdout, stderr io.Writer) error {
	if opts.plans < 1 {
		return errors.New("--plans must be at least 1 for the baseline")
	}
	s, err := newSession(ctx, opts, stderr)
	if err != nil {
		return err
	}
	defer s.close()
	pool := &load.Pool{}
	preload, err := s.preload(ctx, pool, opts.plans, false)
	if err != nil {
		return err
	}
	entries, err := s.fetchPlans(ctx, pool)
	if err != nil {
		return err
	}
	b, err := startBare(opts.bareMode, entries)
	if err != nil {
		return err
	}
	defer func() {
		if err := b.stop(); err != nil {
			fmt.Fprintf(stderr, "planbench baseline: %v\n", err)
		}
	}()
	bareClient, err := newClient(opts, b.url)
	if err != nil {
		return err
	}
	defer bareClient.Close()

	out := baselineReport{BareMode: opts.bareMode, Target: readTarget}
	reads := load.Only(load.OpRead)
	for range opts.rounds {
		s.live.SetPhase("planstore")
		server, _, err := s.measure(ctx, window{client: s.client, pool: pool, mix: reads, scenario: "read",
			serverPID: opts.serverPID, backendPIDs: opts.backendPID})
		if err != nil {
			return err
		}
		server.Preload = preload
		s.live.SetPhase("bare")
		baseline, _, err := s.measure(ctx, window{client: bareClient, pool: copyPool(pool), mix: reads,
			scenario: "read (bare net/http, " + opts.bareMode + ")", serverPID: b.pid})
		if err != nil {
			return err
		}
		round := baselineRound{Planstore: server, Bare: baseline}
		if bps := baseline.Totals.OKPerSecond; bps > 0 {
			round.Ratio = round3(server.Totals.OKPerSecond / bps)
		}
		if server.Server != nil && baseline.Server != nil && server.Server.CPUPerRequest > 0 {
			round.CPURatio = round3(baseline.Server.CPUPerRequest / server.Server.CPUPerRequest)
		}
		out.Rounds = append(out.Rounds, round)
		if ctx.Err() != nil {
			break
		}
	}
	out.Ratio = median(out.Rounds, func(r baselineRound) float64 { return r.Ratio })
	out.CPURatio = median(out.Rounds, func(r baselineRound) float64 { return r.CPURatio })
	s.close()
	return writeReport(opts, stdout, out, func(w io.Writer) error { return writeBaseline(w, out) })
}

func median(rounds []baselineRound, value func(baselineRound) float64) float64 {
	if len(rounds) == 0 {
		return 0
	}
	ratios := make([]float64, len(rounds))
	for i, r := range rounds {
		ratios[i] = value(r)
	}
	slices.Sort(ratios)
	if n := len(ratios); n%2 == 0 {
		return round3((ratios[n/2-1] + ratios[n/2]) / 2)
	}
	return ratios[len(ratios)/2]
}

// writeBaseline prints the tables of the last round, one line per round and the verdict.
func writeBaseline(w io.Writer, r baselineReport) error {
	last := r.Rounds[len(r.Rounds)-1]
	if err := last.Planstore.WriteTable(w); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := last.Bare.WriteTable(w); err != nil {
		return err
	}
	var b []byte
	b = fmt.Appendf(b, "\nplan reads, planstore vs bare net/http handler (%s):\n", r.BareMode)
	for i, round := range r.Rounds {
		p, q := round.Planstore.Ops[0], round.Bare.Ops[0]
		b = fmt.Appendf(b, "  round %d: planstore %.0f/s (p50 %.2f ms, p99 %.2f ms), bare %.0f/s (p50 %.2f ms, p99 %.2f ms): %.0f%%",
			i+1, p.OKPerSecond, p.Latency.P50, p.Latency.P99, q.OKPerSecond, q.Latency.P50, q.Latency.P99, round.Ratio*100)
		if round.CPURatio > 0 {
			b = fmt.Appendf(b, "; server CPU per read %.0f µs vs %.0f µs: %.0f%%", round.Planstore.Server.CPUPerRequest,
				round.Bare.Server.CPUPerRequest, round.CPURatio*100)
		}
		b = append(b, '\n')
	}
	verdict := "meets"
	if r.Ratio < r.Target {
		verdict = "misses"
	}
	b = fmt.Appendf(b, "planstore = %.0f%% of the bare handler's reads/s (median): %s the target of %.0f%%\n", r.Ratio*100, verdict, r.Target*100)
	if r.CPURatio > 0 {
		b = fmt.Appendf(b, "by server CPU per read, planstore = %.0f%% of the bare handler's efficiency (median): "+
			"the rate comparison without the noise of other work on the machine\n", r.CPURatio*100)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// fetchPlans reads every plan of the pool once, for the bytes and ETag planstore
// serves, so the bare handler serves exactly the same responses.
func (s *session) fetchPlans(ctx context.Context, pool *load.Pool) (map[string]bare.Entry, error) {
	s.live.SetPhase("fetch")
	refs := pool.All()
	entries := make(map[string]bare.Entry, len(refs))
	var mu sync.Mutex
	var firstErr error
	work := make(chan *load.PlanRef)
	var wg sync.WaitGroup
	for range s.opts.clients {
		wg.Go(func() {
			for ref := range work {
				res, err := s.client.Do(ctx, client.Request{Method: http.MethodGet, Path: "/v1/plans/" + ref.ID, KeepBody: true})
				if err == nil && res.Status != http.StatusOK {
					err = fmt.Errorf("GET plan %s: status %d: %s", ref.ID, res.Status, res.Body)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				} else if err == nil {
					entries[ref.ID] = bare.Entry{Body: res.Body, ETag: res.ETag}
					ref.SetETag(res.ETag)
				}
				mu.Unlock()
			}
		})
	}
	for _, ref := range refs {
		work <- ref
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return nil, fmt.Errorf("fetch the preloaded plans: %w", firstErr)
	}
	return entries, nil
}

// copyPool gives the bare run the same plans and ETags, untouched by the planstore run.
func copyPool(p *load.Pool) *load.Pool {
	out := &load.Pool{}
	for _, ref := range p.All() {
		out.Add(load.NewPlanRef(ref.ID, ref.ETag()))
	}
	return out
}
