package app

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections/replay"
)

// newReplayer makes the read-model rebuilder of this role; the HTTP admin endpoint runs
// its jobs, and Close cancels a running one (which then drops its half-built index).
func (m *Main) newReplayer(client *elasticsearch.Client, store eventStore) (*replay.Replayer, error) {
	r, err := replay.New(replay.Config{Client: client, Log: store, Logger: m.log, Direct: m.directEngine()})
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	m.onClose("replayer", func(context.Context) error { return r.Close() })
	if m.registry != nil {
		if err := replay.RegisterMetrics(m.registry, r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// rebuildEmbeddedEngine projects the whole event log into the embedded engine, which
// keeps its indexes in memory: the log is the truth, and replaying it at start-up is
// what makes embedded search survive a restart. It runs before the projector consumes,
// and events the relay delivers again afterwards are absorbed by external versioning.
func (m *Main) rebuildEmbeddedEngine(ctx context.Context, r *replay.Replayer) error {
	start := time.Now()
	status, err := r.Run(ctx, nil)
	if err != nil {
		return fmt.Errorf("rebuild the embedded search engine from the event log: %w", err)
	}
	m.log.Info("embedded search engine rebuilt from the event log",
		slog.Int64("events", status.EventsRead), slog.Int64("plans", status.Plans), slog.Duration("took", time.Since(start)))
	// The rebuild's garbage grew the heap to about twice the engine: give the free part
	// back to the OS, so a ready server's RSS is about its live data. (The replay itself
	// drops the event log's pages it mapped in: replay.MappedLog.)
	debug.FreeOSMemory()
	return nil
}
