package load

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/planstore/planstore/cmd/planbench/internal/client"
	"github.com/planstore/planstore/cmd/planbench/internal/plangen"
	"github.com/planstore/planstore/cmd/planbench/internal/progress"
	"github.com/planstore/planstore/cmd/planbench/internal/stats"
)

// Config describes one load run.
type Config struct {
	Client     *client.Client
	Gen        *plangen.Generator
	Pool       *Pool // plans to read, patch and search; creates add to it
	Clients    int
	Warmup     time.Duration
	Duration   time.Duration
	Mix        Mix
	Seed       uint64
	Revalidate float64

	Lag  *LagProber         // optional: offered every create of the measured window
	Live *progress.Counters // required
	// OnMeasure runs when the measured window opens, e.g. to snapshot CPU counters.
	OnMeasure func()
}

// Result is what the measured window recorded.
type Result struct {
	Recorder   *stats.Recorder
	Elapsed    time.Duration // from the start of the window until the last worker stopped
	Created    int64         // plans created during the whole run, warmup included
	LastCreate time.Time     // when the last 201 arrived; zero without creates
}

// Run drives the server with cfg.Clients closed-loop workers: each sends its next
// request as soon as the previous one is answered. Requests that start before the
// measured window (the warmup) are sent but not recorded. When ctx ends early the run
// stops and reports what it measured so far.
//
// Closed-loop workers slow down with the server, so latencies are the ones the server
// gives to that many concurrent clients, not to a fixed arrival rate (no correction for
// coordinated omission is applied).
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Clients < 1 || cfg.Duration <= 0 || cfg.Live == nil || cfg.Pool == nil {
		return Result{}, errors.New("load: need at least one client, a positive duration, counters and a pool")
	}
	start := time.Now()
	measureFrom := start.Add(cfg.Warmup)
	until := measureFrom.Add(cfg.Duration)

	phase := "measure"
	if cfg.Warmup > 0 {
		phase = "warmup"
	}
	cfg.Live.SetPhase(phase)
	opened := time.AfterFunc(cfg.Warmup, func() {
		cfg.Live.SetPhase("measure")
		if cfg.OnMeasure != nil {
			cfg.OnMeasure()
		}
	})
	defer opened.Stop()

	workers := make([]*worker, cfg.Clients)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{
			cfg: &cfg, rec: stats.NewRecorder(), measureFrom: measureFrom, until: until,
			actor: actor{
				c: cfg.Client, gen: cfg.Gen, pool: cfg.Pool, revalidate: cfg.Revalidate,
				r: rand.New(rand.NewPCG(cfg.Seed, uint64(i))),
			},
		}
		workers[i] = w
		wg.Go(func() { w.loop(ctx) })
	}
	wg.Wait()
	stopped := time.Now()

	out := Result{Recorder: stats.NewRecorder(), Elapsed: max(stopped.Sub(measureFrom), 0)}
	var errs []error
	for _, w := range workers {
		out.Recorder.Merge(w.rec)
		out.Created += w.created
		if w.lastCreate.After(out.LastCreate) {
			out.LastCreate = w.lastCreate
		}
		errs = append(errs, w.err)
	}
	return out, errors.Join(errs...)
}

// worker is one simulated client.
type worker struct {
	cfg         *Config
	actor       actor
	rec         *stats.Recorder
	measureFrom time.Time
	until       time.Time

	created    int64
	lastCreate time.Time
	err        error // a failure of planbench itself, not of a request
}

func (w *worker) loop(ctx context.Context) {
	for ctx.Err() == nil {
		began := time.Now()
		if !began.Before(w.until) {
			return
		}
		results, err := w.actor.do(ctx, w.cfg.Mix.Pick(w.actor.r))
		if err != nil {
			w.err = err
			return
		}
		measured := !began.Before(w.measureFrom)
		for _, r := range results {
			if r.outcome.Kind == stats.TransportError && r.outcome.Cause == client.CauseCanceled {
				continue // interrupted by the user, not the server's fault
			}
			w.cfg.Live.Done(r.outcome.IsError())
			if r.created != nil {
				w.cfg.Pool.Add(r.created)
				w.created++
				w.lastCreate = time.Now()
				if measured && w.cfg.Lag != nil {
					w.cfg.Lag.Offer(r.created.ID, w.lastCreate)
				}
			}
			if measured {
				w.rec.Record(r.op, r.outcome)
			}
		}
	}
}
