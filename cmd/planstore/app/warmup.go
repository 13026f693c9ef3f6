package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections/elastic"
)

// warmupPage is how many log entries one projection batch carries at start-up.
const warmupPage = 2_000

// logReader is what the warm-up needs of the event store.
type logReader interface {
	Partitions() int
	ReadLog(ctx context.Context, partition int, after string, limit int) ([]events.LogEntry, error)
}

// warmEmbeddedEngine projects the whole event log into the embedded engine, which keeps
// its indexes in memory: the log is the truth, and reading it back at start-up is what
// makes embedded search survive a restart. Partitions are read concurrently; external
// versioning makes their interleaving irrelevant. Events the relay delivers again later
// are absorbed by the same versioning.
func warmEmbeddedEngine(ctx context.Context, log *slog.Logger, store logReader, projector *elastic.Projector) error {
	start := time.Now()
	g, ctx := errgroup.WithContext(ctx)
	counts := make([]int, store.Partitions())
	for p := range store.Partitions() {
		g.Go(func() error {
			after := ""
			for {
				entries, err := store.ReadLog(ctx, p, after, warmupPage)
				if err != nil {
					return fmt.Errorf("read log partition %d: %w", p, err)
				}
				if len(entries) == 0 {
					return nil
				}
				batch := make([]events.Envelope, len(entries))
				for i, e := range entries {
					batch[i] = e.Event
				}
				if err := projector.HandleBatch(ctx, batch...); err != nil {
					return fmt.Errorf("project partition %d after %q: %w", p, after, err)
				}
				counts[p] += len(entries)
				after = entries[len(entries)-1].Position
			}
		})
	}
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("warm embedded search engine: %w", err)
	}
	total := 0
	for _, c := range counts {
		total += c
	}
	log.Info("embedded search engine rebuilt from the event log", slog.Int("events", total), slog.Duration("took", time.Since(start)))
	return nil
}
