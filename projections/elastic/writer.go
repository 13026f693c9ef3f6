package elastic

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/planstore/planstore/internal/defaults"
	"github.com/planstore/planstore/projections"
)

// Defaults of WriterConfig.
const (
	DefaultMaxActions  = 1000
	DefaultMaxBytes    = 5 << 20
	DefaultMaxInFlight = 2
	DefaultTimeout     = 30 * time.Second
)

// Refresh policies of WriterConfig.Refresh, Elasticsearch's ?refresh values.
const (
	RefreshNone    = ""         // near real time: searchable within the index's refresh interval
	RefreshTrue    = "true"     // refresh the shards written to right away (costly)
	RefreshWaitFor = "wait_for" // answer only once a refresh made the writes searchable
)

// maxSizeHint caps the capacity a new batch body starts with; larger batches grow.
const maxSizeHint = 1 << 20

// ErrWriterClosed is returned by Write after Close.
var ErrWriterClosed = errors.New("elastic: writer closed")

// WriterConfig tunes a Writer; the zero value is the default.
type WriterConfig struct {
	// Index is where writes go: the alias `plans` by default, a concrete index while
	// a replay builds it.
	Index string
	// Refresh is the policy of every bulk request. The default, RefreshNone, makes a
	// plan searchable within the index's refresh interval (1 s in Elasticsearch, at
	// once in the embedded engine): the read model is eventually consistent anyway, and
	// a refresh per bulk would cost Elasticsearch far more than it buys.
	Refresh string
	// MaxActions and MaxBytes close a batch (defaults 1,000 actions, 5 MiB, within
	// Elasticsearch's advice of a few MB per bulk request).
	MaxActions int
	MaxBytes   int
	// FlushInterval is the longest a batch waits for more actions once a bulk slot is
	// free. The default 0 sends as soon as a slot is free ("group commit"): a lone
	// event pays one round trip and no timer, and under load batches still grow by
	// themselves while the MaxInFlight slots are busy. A few ms trades latency for
	// fewer, larger requests.
	FlushInterval time.Duration
	// MaxInFlight bounds concurrent bulk requests (default 2); when all are busy and the
	// next batch is full, Write blocks: back-pressure instead of unbounded memory.
	MaxInFlight int
	// Timeout bounds one bulk request (default 30 s); it is not tied to any caller's
	// context because a batch serves many callers.
	Timeout time.Duration
	// RequireAlias makes writes fail while Index is not an alias, where Elasticsearch
	// would otherwise auto-create a concrete index with a dynamic mapping and no join
	// field, which would also block EnsureAlias for good. Always on when Index is the
	// alias `plans`; the failed write is retried once the alias exists.
	RequireAlias bool
	// Direct, when set, is the search engine in this process behind the client: Write
	// then hands it the actions at once, in the caller's goroutine, instead of encoding
	// a _bulk request the engine parses again (see writeDirect). Batching buys nothing
	// without a round trip to amortise.
	Direct DirectEngine
}

// DirectEngine is a search engine in the same process that takes projection actions
// as a _bulk request of them would, reporting each item's status (esengine.Engine).
type DirectEngine interface {
	WriteActions(index string, requireAlias bool, actions []projections.Action, outcome func(i, status int, errType, reason string))
}

func (c WriterConfig) withDefaults() (WriterConfig, error) {
	if c.Index == "" {
		c.Index = projections.Alias
	}
	if c.Index == projections.Alias {
		c.RequireAlias = true
	}
	if err := checkIndexName(c.Index); err != nil {
		return c, err
	}
	switch c.Refresh {
	case RefreshNone, RefreshTrue, RefreshWaitFor, "false":
	default:
		return c, fmt.Errorf("elastic: unknown refresh policy %q", c.Refresh)
	}
	c.MaxActions = defaults.Positive(c.MaxActions, DefaultMaxActions)
	c.MaxBytes = defaults.Positive(c.MaxBytes, DefaultMaxBytes)
	c.MaxInFlight = defaults.Positive(c.MaxInFlight, DefaultMaxInFlight)
	c.Timeout = defaults.Positive(c.Timeout, DefaultTimeout)
	if c.FlushInterval < 0 {
		c.FlushInterval = 0
	}
	return c, nil
}

// WriterStats counts what a Writer did since it started, for metrics.
type WriterStats struct {
	Bulks   int64 // bulk requests answered, successfully or not
	Actions int64 // actions sent
	Failed  int64 // actions that failed (item errors and failed bulk requests)
}

// Writer batches the actions of many concurrent callers into _bulk requests. Each
// Write returns once all of its own actions have an outcome. It is safe for concurrent
// use; Close it to flush what it holds.
type Writer struct {
	client *elasticsearch.Client
	cfg    WriterConfig

	submit chan *request
	slots  chan struct{} // one token per bulk request in flight
	quit   chan struct{}
	done   chan struct{}
	once   sync.Once

	// base outlives every caller: a batch mixes many callers' actions.
	base   context.Context
	cancel context.CancelFunc

	bulks, actions, failed atomic.Int64
}

// NewWriter starts a writer; the client must not be nil.
func NewWriter(client *elasticsearch.Client, cfg WriterConfig) (*Writer, error) {
	if client == nil {
		return nil, errors.New("elastic: nil client")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	base, cancel := context.WithCancel(context.Background())
	w := &Writer{
		client: client,
		cfg:    cfg,
		submit: make(chan *request),
		slots:  make(chan struct{}, cfg.MaxInFlight),
		quit:   make(chan struct{}),
		done:   make(chan struct{}),
		base:   base,
		cancel: cancel,
	}
	go w.loop()
	return w, nil
}

// Index is where the writer writes.
func (w *Writer) Index() string { return w.cfg.Index }

// Stats returns the writer's counters.
func (w *Writer) Stats() WriterStats {
	return WriterStats{Bulks: w.bulks.Load(), Actions: w.actions.Load(), Failed: w.failed.Load()}
}

// Write sends the actions with the next bulk request and waits for their outcome: nil
// when every action was applied or was stale (see itemOutcome), else the joined
// *ItemError values or the error of the whole request. When ctx ends first, Write
// returns its error, but actions already handed over may still be applied; they are
// idempotent, so a retry is safe.
func (w *Writer) Write(ctx context.Context, actions ...projections.Action) error {
	if len(actions) == 0 {
		return nil
	}
	if w.cfg.Direct != nil {
		return w.writeDirect(ctx, actions)
	}
	// One buffer for every action's lines: the lines are slices of it, each capped at
	// its own end so nothing appended to one can reach the next.
	size := 0
	for _, a := range actions {
		size += bulkLinesSize(a)
	}
	buf := make([]byte, 0, size)
	lines := make([][]byte, len(actions))
	for i, a := range actions {
		start := len(buf)
		var err error
		if buf, err = appendBulkLines(buf, a, w.cfg.RequireAlias); err != nil {
			return err
		}
		lines[i] = buf[start:len(buf):len(buf)]
	}
	r := newRequest(lines)
	select {
	case w.submit <- r:
	case <-w.quit:
		return ErrWriterClosed
	case <-ctx.Done():
		return fmt.Errorf("elastic: write: %w", ctx.Err())
	}
	select {
	case err := <-r.done:
		if err != nil {
			return fmt.Errorf("elastic: write to %s: %w", w.cfg.Index, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("elastic: write: %w (actions may still be applied)", ctx.Err())
	}
}

// Close stops accepting writes, sends every action already accepted and waits for the
// answers. It is safe to call more than once.
func (w *Writer) Close() error {
	w.once.Do(func() { close(w.quit) })
	<-w.done
	w.cancel()
	return nil
}

// loop owns the current batch. It receives requests while the batch has room, and
// hands the batch to a sender goroutine when a slot is free and the batch is ripe:
// full, older than FlushInterval, or the writer is closing.
func (w *Writer) loop() {
	defer close(w.done)
	var (
		cur     batch
		queue   []*request // accepted requests with actions not yet in a batch
		linger  = time.NewTimer(time.Hour)
		armed   bool // linger runs for the current batch
		ripe    = w.cfg.FlushInterval == 0
		closing bool
		sending sync.WaitGroup
	)
	linger.Stop()
	// sizeHint follows the size of the last batch sent: the next batch's body starts
	// with that capacity instead of growing from nothing by repeated copying. It is
	// capped so one huge batch does not make every later small one allocate megabytes.
	sizeHint := 4096
	for {
		for len(queue) > 0 {
			if cur.body == nil {
				cur.body = make([]byte, 0, sizeHint)
			}
			cur.take(queue[0], w.cfg.MaxActions, w.cfg.MaxBytes)
			if queue[0].next < len(queue[0].lines) {
				break // the batch is full
			}
			queue = queue[1:]
		}
		full := len(queue) > 0 || cur.count >= w.cfg.MaxActions || len(cur.body) >= w.cfg.MaxBytes
		if cur.count > 0 && !armed && !ripe {
			linger.Reset(w.cfg.FlushInterval)
			armed = true
		}
		if closing && cur.count == 0 {
			sending.Wait()
			return
		}

		var submit <-chan *request
		if !closing && !full {
			submit = w.submit
		}
		var slot chan<- struct{}
		if cur.count > 0 && (ripe || full || closing) {
			slot = w.slots
		}
		var quit <-chan struct{}
		if !closing {
			quit = w.quit
		}

		select {
		case r := <-submit:
			queue = append(queue, r)
		case slot <- struct{}{}:
			b := cur
			cur = batch{}
			sizeHint = min(max(len(b.body)+len(b.body)/4, 4096), maxSizeHint)
			linger.Stop()
			armed, ripe = false, w.cfg.FlushInterval == 0
			sending.Add(1)
			go func() {
				defer sending.Done()
				defer func() { <-w.slots }()
				w.send(b)
			}()
		case <-linger.C:
			armed, ripe = false, true
		case <-quit:
			closing = true
		}
	}
}

// send runs one bulk request and settles every action in it.
func (w *Writer) send(b batch) {
	ctx, cancel := context.WithTimeout(w.base, w.cfg.Timeout)
	defer cancel()
	results, err := w.bulk(ctx, b)
	failed := int64(0)
	if err != nil {
		failed = int64(b.count)
	} else {
		for _, r := range results {
			if r != nil {
				failed++
			}
		}
	}
	w.bulks.Add(1)
	w.actions.Add(int64(b.count))
	w.failed.Add(failed)
	b.settle(results, err)
}

func (w *Writer) bulk(ctx context.Context, b batch) ([]error, error) {
	api := w.client.Bulk
	opts := []func(*esapi.BulkRequest){api.WithContext(ctx), api.WithIndex(w.cfg.Index)}
	if w.cfg.Refresh != RefreshNone {
		opts = append(opts, api.WithRefresh(w.cfg.Refresh))
	}
	res, err := api(bytes.NewReader(b.body), opts...)
	body, err := do(fmt.Sprintf("bulk of %d actions to %s", b.count, w.cfg.Index), res, err)
	if err != nil {
		return nil, err
	}
	return outcomes(body, b.count)
}
