package replay

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/internal/defaults"
	"github.com/planstore/planstore/projections"
	"github.com/planstore/planstore/projections/elastic"
)

// Defaults of Config.
const (
	DefaultPageSize         = 1000
	DefaultReaders          = 4
	DefaultBulkActions      = 10000
	DefaultBulkBytes        = 16 << 20
	DefaultBulkInFlight     = 2
	DefaultLockTTL          = 2 * time.Minute
	DefaultProgressInterval = 500 * time.Millisecond
	DefaultKeepJobs         = 20
)

// Config wires a Replayer; Client and Log are required, the rest has defaults.
type Config struct {
	// Client reaches the cluster (or the embedded engine) that serves the alias `plans`.
	Client *elasticsearch.Client
	// Log is the event store's global log.
	Log Log
	// Alias is the alias searches read (default projections.Alias). Only tests on a
	// shared cluster, or two deployments sharing one, set another.
	Alias string

	// PageSize is how many entries one ReadLog call returns (default 1,000).
	PageSize int
	// Readers bounds how many partitions are read at once (default 4). Reading is
	// mostly decoding, so more readers than cores only adds memory.
	Readers int
	// BulkActions and BulkBytes close a _bulk request (defaults 10,000 actions and
	// 16 MiB): a replay favours throughput, and no refresh runs meanwhile anyway.
	BulkActions int
	BulkBytes   int
	// BulkInFlight bounds concurrent _bulk requests (default 2).
	BulkInFlight int
	// EachEvent projects every event on its own, as the live projector does, instead
	// of merging each plan's events within a page into one (mergeRuns). The result is
	// the same; merging is several times cheaper. For comparisons and diagnosis.
	EachEvent bool
	// Direct is the search engine behind Client when it runs in this process: the
	// replay then writes to it without _bulk requests (elastic.WriterConfig.Direct).
	Direct elastic.DirectEngine

	// LockTTL is how long the cluster lock stays valid without renewal (default 2 min);
	// the holder renews it every third of that. A lock left by a killed process is
	// taken over once it has expired.
	LockTTL time.Duration
	// Owner names this process in the lock, for the operator who finds it taken
	// (default host:pid).
	Owner string

	// ProgressInterval is how often Run calls its progress callback (default 500 ms).
	ProgressInterval time.Duration
	// KeepJobs is how many finished jobs Status still answers for (default 20).
	KeepJobs int

	// Logger receives one line per step; nil discards.
	Logger *slog.Logger
	// Now is the clock (default time.Now); tests age locks with it.
	Now func() time.Time
}

func (c Config) withDefaults() (Config, error) {
	if c.Client == nil {
		return c, errors.New("replay: nil elasticsearch client")
	}
	if c.Log == nil {
		return c, errors.New("replay: nil event log")
	}
	if c.Log.Partitions() < 1 {
		return c, fmt.Errorf("replay: the log has %d partitions", c.Log.Partitions())
	}
	c.PageSize = defaults.Positive(c.PageSize, DefaultPageSize)
	c.Readers = defaults.Positive(c.Readers, DefaultReaders)
	c.BulkActions = defaults.Positive(c.BulkActions, DefaultBulkActions)
	c.BulkBytes = defaults.Positive(c.BulkBytes, DefaultBulkBytes)
	c.BulkInFlight = defaults.Positive(c.BulkInFlight, DefaultBulkInFlight)
	c.KeepJobs = defaults.Positive(c.KeepJobs, DefaultKeepJobs)
	if c.Alias == "" {
		c.Alias = projections.Alias
	}
	c.LockTTL = defaults.Positive(c.LockTTL, DefaultLockTTL)
	c.ProgressInterval = defaults.Positive(c.ProgressInterval, DefaultProgressInterval)
	if c.Owner == "" {
		host, err := os.Hostname()
		if err != nil {
			host = "unknown-host"
		}
		c.Owner = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}
