package load

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/planstore/planstore/cmd/planbench/internal/client"
	"github.com/planstore/planstore/cmd/planbench/internal/plangen"
	"github.com/planstore/planstore/cmd/planbench/internal/progress"
	"github.com/planstore/planstore/cmd/planbench/internal/stats"
)

// PreloadResult describes the plans created before the measured run.
type PreloadResult struct {
	Created    int64
	Errors     int64
	Elapsed    time.Duration
	LastCreate time.Time
	FirstError string
}

// preloadGiveUp is how many failures in a row with no success stop a preload: a wrong
// token or a broken server would otherwise fail every one of --plans creates.
const preloadGiveUp = 20

// Preload creates n plans with the given number of concurrent workers and adds them to
// pool. Failed creates are counted and retried with a fresh plan until n exist.
func Preload(ctx context.Context, c *client.Client, gen *plangen.Generator, pool *Pool, n, workers int,
	seed uint64, live *progress.Counters) (PreloadResult, error) {
	live.SetPhase("preload")
	start := time.Now()
	var remaining, failed, created atomic.Int64
	remaining.Store(int64(n))
	var mu sync.Mutex
	var out PreloadResult
	var wg sync.WaitGroup
	for i := range min(workers, n) {
		// A seed stream of its own, so preloading does not shift the measured run's.
		a := actor{c: c, gen: gen, pool: pool, r: rand.New(rand.NewPCG(seed^0x9e3779b97f4a7c15, uint64(i)))}
		wg.Go(func() {
			for ctx.Err() == nil && remaining.Add(-1) >= 0 {
				r, err := a.create(ctx)
				if err != nil { // a failure of the generator: no request was sent
					mu.Lock()
					out.FirstError = err.Error()
					mu.Unlock()
					return
				}
				live.Done(r.outcome.IsError())
				if r.created != nil {
					pool.Add(r.created)
					created.Add(1)
					mu.Lock()
					out.LastCreate = time.Now()
					mu.Unlock()
					continue
				}
				remaining.Add(1) // try again with another plan
				mu.Lock()
				if out.FirstError == "" {
					out.FirstError = describe(r.outcome)
				}
				mu.Unlock()
				if failed.Add(1) >= preloadGiveUp && created.Load() == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	out.Created, out.Errors, out.Elapsed = created.Load(), failed.Load(), time.Since(start)
	if err := ctx.Err(); err != nil {
		return out, fmt.Errorf("preload interrupted after %d plans: %w", out.Created, err)
	}
	if out.Created < int64(n) {
		return out, fmt.Errorf("preload created %d of %d plans (%d failures, first: %s)",
			out.Created, n, out.Errors, out.FirstError)
	}
	return out, nil
}

func describe(o stats.Outcome) string {
	switch o.Kind {
	case stats.TransportError:
		return o.Cause + ": " + o.Detail
	case stats.HTTPError:
		return fmt.Sprintf("HTTP %d %s", o.Status, o.Detail)
	default:
		return "unexpected outcome"
	}
}
