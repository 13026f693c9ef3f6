package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/planstore/planstore/cmd/planbench/internal/load"
	"github.com/planstore/planstore/cmd/planbench/internal/stats"
)

// defaultLagSample is the share of creates the lag scenario probes: enough samples for
// a p99 in a few seconds, few enough that the ids queries stay small.
const defaultLagSample = 0.1

// settleTimeout bounds the wait for preloaded plans to become searchable; a backlog of
// earlier load may take minutes to project on a small machine.
const settleTimeout = 5 * time.Minute

// runLoad runs one scenario and prints its report.
func runLoad(ctx context.Context, opts *options, stdout, stderr io.Writer) error {
	sc, err := load.LookupScenario(opts.scenario)
	if err != nil {
		return err
	}
	mix := sc.Mix
	if mix == nil {
		m, err := load.ParseMix(opts.mix)
		if err != nil {
			return err
		}
		mix = &m
	}
	lagSample := opts.lagSample
	if lagSample < 0 {
		lagSample = 0
		if sc.Lag {
			lagSample = defaultLagSample
		}
	}
	s, err := newSession(ctx, opts, stderr)
	if err != nil {
		return err
	}
	defer s.close()
	probeLag := sc.Lag || lagSample > 0
	if sc.NeedsSearch(*mix) || probeLag {
		if err := s.client.CheckSearch(ctx); err != nil {
			hint := ""
			if sc.Name == "mixed" && !probeLag {
				hint = " (leave search out of --mix to run without it)"
			}
			return fmt.Errorf("scenario %s needs searches%s: %w", sc.Name, hint, err)
		}
	}

	pool := &load.Pool{}
	var preload *stats.Preload
	switch {
	case sc.Preload && opts.plans > 0:
		if preload, err = s.preload(ctx, pool, opts.plans, sc.WaitSearchable); err != nil {
			return err
		}
	case sc.Lag:
		// A canary plan, waited for until searchable, makes sure the projection has
		// caught up with earlier load before the burst: otherwise the burst would
		// queue behind that backlog and measure it.
		if preload, err = s.preload(ctx, pool, 1, true); err != nil {
			return fmt.Errorf("wait for the projection to catch up: %w", err)
		}
	}
	var prober *load.LagProber
	stopProbing := func() {}
	if probeLag {
		prober = load.NewLagProber(s.client, lagSample, opts.lagPoll, opts.lagTimeout)
		probeCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { prober.Run(probeCtx); close(done) }()
		stopProbing = func() { cancel(); <-done }
	}
	rep, res, err := s.measure(ctx, window{
		client: s.client, pool: pool, mix: *mix, scenario: sc.Name, lag: prober, serverPID: opts.serverPID,
		backendPIDs: opts.backendPID,
	})
	stopProbing()
	if err != nil {
		return err
	}
	rep.Preload = preload
	if ctx.Err() != nil {
		rep.Notes = append(rep.Notes, "interrupted: the measured window is shorter than --duration, and projection lag was not settled")
		prober = nil
	}
	if prober != nil {
		s.live.SetPhase("lag")
		rep.Lag, err = s.settleLag(ctx, prober, pool, res)
		if err != nil {
			return err
		}
	}
	s.close()
	return writeReport(opts, stdout, rep, rep.WriteTable)
}

// preload creates n plans and, when asked, waits until they are all searchable.
func (s *session) preload(ctx context.Context, pool *load.Pool, n int, waitSearchable bool) (*stats.Preload, error) {
	pr, err := load.Preload(ctx, s.preloader, s.gen, pool, n, s.opts.clients, s.opts.seed, s.live)
	if err != nil {
		return nil, err
	}
	out := &stats.Preload{Plans: pr.Created, Errors: pr.Errors, Seconds: round3(pr.Elapsed.Seconds())}
	if secs := pr.Elapsed.Seconds(); secs > 0 {
		out.PerSecond = round3(float64(pr.Created) / secs)
	}
	if !waitSearchable {
		return out, nil
	}
	s.live.SetPhase("index")
	d, err := load.WaitSearchable(ctx, s.client, s.gen.Org(), s.baseline, pr.Created, pr.LastCreate, 20*time.Millisecond, settleTimeout)
	if err != nil {
		return nil, fmt.Errorf("wait until the preloaded plans are searchable: %w", err)
	}
	if d.TimedOut {
		return nil, fmt.Errorf("only %d of %d preloaded plans searchable after %v", d.Searchable, d.Created, settleTimeout)
	}
	out.SearchableWithin = round3(d.WithinMs)
	return out, nil
}

// settleLag waits for the sampled plans, then for every plan of the run, and reports
// the lag.
func (s *session) settleLag(ctx context.Context, prober *load.LagProber, pool *load.Pool, res load.Result) (*stats.LagReport, error) {
	finishCtx, cancel := context.WithTimeout(ctx, s.opts.lagTimeout)
	defer cancel()
	prober.Finish(finishCtx)
	rep, failure := prober.Report()
	if failure != "" && rep.Seen == 0 {
		return nil, fmt.Errorf("lag probe searches failed: %s", failure)
	}
	if res.Created > 0 {
		drain, err := load.WaitSearchable(ctx, s.client, s.gen.Org(), s.baseline, int64(pool.Len()), res.LastCreate,
			s.opts.lagPoll, s.opts.lagTimeout)
		if err != nil {
			return nil, fmt.Errorf("wait until every plan is searchable: %w", err)
		}
		drain.WithinMs = round3(drain.WithinMs)
		rep.Drain = &drain
	}
	return &rep, nil
}
