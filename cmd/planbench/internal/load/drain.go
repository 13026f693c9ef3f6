package load

import (
	"context"
	"time"

	"github.com/planstore/planstore/cmd/planbench/internal/client"
	"github.com/planstore/planstore/cmd/planbench/internal/stats"
)

// WaitSearchable polls the exact count of the run's plans (every plan of a run carries
// the run's _org; baseline is how many plans of that _org were searchable before the
// run) until it reaches created, and reports how long after lastCreate that was. It answers "every plan searchable within X after the burst", which sampling
// cannot: the slowest plan may not be in the sample.
func WaitSearchable(ctx context.Context, c *client.Client, org string, baseline, created int64, lastCreate time.Time,
	poll, timeout time.Duration) (stats.Drain, error) {
	deadline := time.Now().Add(timeout)
	out := stats.Drain{Created: created}
	query := client.CountPlansQuery(org)
	for {
		res, err := c.Search(ctx, query)
		seenAt := time.Now()
		if err != nil {
			return out, err
		}
		out.Searchable = res.Total - baseline
		out.WithinMs = float64(seenAt.Sub(lastCreate)) / float64(time.Millisecond)
		if out.Searchable >= created {
			return out, nil
		}
		if seenAt.After(deadline) {
			out.TimedOut = true
			return out, nil
		}
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// CountSearchable is how many plans of org are searchable now: the baseline of a run in
// an organisation that already holds plans.
func CountSearchable(ctx context.Context, c *client.Client, org string) (int64, error) {
	res, err := c.Search(ctx, client.CountPlansQuery(org))
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}
