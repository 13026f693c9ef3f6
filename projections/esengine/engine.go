package esengine

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections/esengine/internal/index"
)

// Engine is an in-memory search engine that answers the subset of Elasticsearch's REST
// API that planstore uses. It is an http.RoundTripper, so it plugs into the official
// go-elasticsearch client as its Transport and the read-model code cannot tell it from a
// cluster. It is safe for concurrent use: the catalog of indices and aliases has one
// lock, every index has its own, and searches run concurrently with each other.
type Engine struct {
	opts        options
	nodeID      string
	clusterUUID string

	mu      sync.RWMutex // guards indices and aliases, not the indices' contents
	indices map[string]*index.Index
	aliases map[string]map[string]aliasProps // alias -> index name -> properties

	// writes counts the requests that may have changed the engine (see Writes).
	writes atomic.Uint64

	// evaluations counts the stop checks of every search (internal/query/stop.go); stopHook, set by
	// tests only before any search runs, is called at each.
	evaluations atomic.Int64
	stopHook    func()
}

// Writes counts the requests that may have changed the engine since it was made or
// loaded: every WriteActions call and every REST call but a read (GET, HEAD, a search or
// a count), whether it changed anything or failed. The same count at two moments means
// nothing changed in between: serve then need not save again a state it loaded.
func (e *Engine) Writes() uint64 { return e.writes.Load() }

type aliasProps struct {
	isWriteIndex *bool
}

type options struct {
	now              func() time.Time
	tombstoneTTL     time.Duration // 0 keeps delete tombstones forever
	autoCreateIndex  bool
	maxContentLength int64
	clusterName      string
}

// Option configures an Engine.
type Option func(*options)

// WithClock replaces the wall clock, so tests can age delete tombstones.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithTombstoneRetention sets how long a delete keeps the deleted document's version, so
// that an older write arriving after the delete is refused as a version conflict.
// Elasticsearch keeps them for index.gc_deletes (60s by default), which is also the
// default here; an index created with an explicit index.gc_deletes setting uses that.
// Zero keeps tombstones forever: an event-sourced projection then never resurrects a
// deleted object however late an old event is redelivered, at the cost of one small
// entry per deleted document for the life of the index.
func WithTombstoneRetention(d time.Duration) Option {
	return func(o *options) { o.tombstoneTTL = d }
}

// WithAutoCreateIndex controls whether a write to a missing index creates it with dynamic
// mappings, as Elasticsearch does by default (action.auto_create_index). Off, such writes
// fail with index_not_found_exception.
func WithAutoCreateIndex(enabled bool) Option {
	return func(o *options) { o.autoCreateIndex = enabled }
}

// WithMaxContentLength caps request bodies like http.max_content_length (100mb).
func WithMaxContentLength(n int64) Option {
	return func(o *options) { o.maxContentLength = n }
}

// WithClusterName sets the cluster name reported by GET / and GET /_cluster/health.
func WithClusterName(name string) Option {
	return func(o *options) { o.clusterName = name }
}

// New returns an empty engine.
func New(opts ...Option) *Engine {
	o := options{
		now:              time.Now,
		tombstoneTTL:     60 * time.Second,
		autoCreateIndex:  true,
		maxContentLength: 100 << 20,
		clusterName:      "planstore-embedded",
	}
	for _, opt := range opts {
		opt(&o)
	}
	return &Engine{
		opts:        o,
		nodeID:      index.RandomID(),
		clusterUUID: index.RandomID(),
		indices:     map[string]*index.Index{},
		aliases:     map[string]map[string]aliasProps{},
	}
}

// NewClient returns a go-elasticsearch client whose every request is answered by e.
func NewClient(e *Engine) (*elasticsearch.Client, error) {
	if e == nil {
		return nil, fmt.Errorf("esengine: NewClient needs an engine")
	}
	client, err := elasticsearch.NewClient(elasticsearch.Config{Transport: e})
	if err != nil {
		return nil, fmt.Errorf("esengine: creating the elasticsearch client: %w", err)
	}
	return client, nil
}
