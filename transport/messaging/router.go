package messaging

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/internal/defaults"
)

// RouterConfig configures NewRouter. Only Codec is required, and only for consumers.
type RouterConfig struct {
	Logger *slog.Logger
	// Codec decodes the events consumers receive.
	Codec *events.Codec
	// Registry receives the messaging metrics; nil keeps them unexported.
	Registry *prometheus.Registry
	// CloseTimeout bounds how long Close waits for in-flight messages (default 30s).
	CloseTimeout time.Duration
	// Retry is the in-process retry of a failing consumer (default DefaultRetryPolicy).
	Retry RetryPolicy
	// AttemptTimeout bounds one handler attempt (default 30s); a handler that hangs
	// is retried and finally dead-lettered instead of blocking its queue forever.
	AttemptTimeout time.Duration
	// NewDeduplicator gives each consumer its duplicate filter (default: an in-memory
	// MemoryDedup of DefaultDedupSize events).
	NewDeduplicator func(consumer string) Deduplicator
	// QueueDepthInterval is how often, while the router runs, it asks the bus how many
	// events wait for each of its consumers (planstore_consumer_queue_depth; default 5s).
	QueueDepthInterval time.Duration
}

const (
	defaultCloseTimeout       = 30 * time.Second
	defaultAttemptTimeout     = 30 * time.Second
	defaultQueueDepthInterval = 5 * time.Second
)

// Router is a Watermill router with planstore's middleware stack, metrics and readiness.
// One Router may run several consumers and the relay; planstore serve can run them all
// on one router or on one each.
type Router struct {
	cfg     RouterConfig
	logger  *slog.Logger
	wm      *message.Router
	metrics *Metrics
	started atomic.Bool // Run was called
	failed  atomic.Bool // Run failed to subscribe every handler

	mu        sync.Mutex
	consumers map[string]bool
	warm      []*warmStacks // the consumers' workers, let go by Close
	checks    []check
	depths    []depthSource
}

type check struct {
	name string
	fn   func() error
}

// NewRouter returns a router ready for AddConsumer (and outbox.AddRelay).
func NewRouter(cfg RouterConfig) (*Router, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.CloseTimeout = defaults.Positive(cfg.CloseTimeout, defaultCloseTimeout)
	cfg.AttemptTimeout = defaults.Positive(cfg.AttemptTimeout, defaultAttemptTimeout)
	cfg.Retry = cfg.Retry.withDefaults()
	cfg.QueueDepthInterval = defaults.Positive(cfg.QueueDepthInterval, defaultQueueDepthInterval)
	if cfg.NewDeduplicator == nil {
		cfg.NewDeduplicator = func(string) Deduplicator { return NewMemoryDedup(DefaultDedupSize) }
	}
	metrics, err := NewMetrics(cfg.Registry)
	if err != nil {
		return nil, err
	}
	wm, err := message.NewRouter(message.RouterConfig{CloseTimeout: cfg.CloseTimeout}, NewLogger(cfg.Logger))
	if err != nil {
		return nil, fmt.Errorf("messaging: new router: %w", err)
	}
	r := &Router{cfg: cfg, logger: cfg.Logger, wm: wm, metrics: metrics, consumers: map[string]bool{}}
	r.AddCheck("router", r.runningCheck)
	return r, nil
}

// Watermill exposes the underlying router to packages that add their own handlers (the
// relay); add handlers before Run.
func (r *Router) Watermill() *message.Router { return r.wm }

// Metrics are the router's metrics.
func (r *Router) Metrics() *Metrics { return r.metrics }

// AddCheck adds a named readiness check to Readiness.
func (r *Router) AddCheck(name string, fn func() error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checks = append(r.checks, check{name: name, fn: fn})
}

// Run subscribes every handler and blocks until the router is closed, polling the depth
// of its consumers' queues meanwhile. An error means a handler could not subscribe (say
// the broker went away since the bus connected); the handlers already subscribed stop
// with it.
func (r *Router) Run(ctx context.Context) error {
	r.started.Store(true)
	pollCtx, stopPolling := context.WithCancel(ctx)
	var polling sync.WaitGroup
	polling.Go(func() { r.pollQueueDepths(pollCtx) })
	err := r.wm.Run(ctx)
	stopPolling()
	polling.Wait()
	if err != nil {
		r.failed.Store(true)
		return fmt.Errorf("messaging: router: %w", err)
	}
	return nil
}

// Running is closed once every handler has subscribed.
func (r *Router) Running() <-chan struct{} { return r.wm.Running() }

// Close stops taking messages, lets the in-flight ones finish (up to CloseTimeout) and
// returns when they are done. Messages not finished by then are redelivered later.
func (r *Router) Close() error {
	defer r.releaseWorkers()
	if !r.started.Load() || r.failed.Load() {
		// Nothing subscribed, or Run's failure already stopped what was: Watermill
		// would wait CloseTimeout for handlers that never started.
		return nil
	}
	if err := r.wm.Close(); err != nil {
		return fmt.Errorf("messaging: close router: %w", err)
	}
	return nil
}

// releaseWorkers lets the consumers' idle workers exit; busy ones exit when done.
func (r *Router) releaseWorkers() {
	r.mu.Lock()
	warm := r.warm
	r.mu.Unlock()
	for _, w := range warm {
		w.close()
	}
}

func (r *Router) runningCheck() error {
	switch {
	case r.wm.IsClosed():
		return errors.New("router closed")
	case !r.wm.IsRunning():
		return errors.New("router not running")
	}
	return nil
}

// Readiness reports every part of the router by name ("router", "consumer <name>",
// "relay"...): nil when it is up, else why not. /readyz is ready when all are nil.
func (r *Router) Readiness() map[string]error {
	r.mu.Lock()
	checks := append([]check(nil), r.checks...)
	r.mu.Unlock()
	out := make(map[string]error, len(checks))
	for _, c := range checks {
		out[c.name] = c.fn()
	}
	return out
}

// Ready is nil when every part in Readiness is up, else an error naming the ones that
// are not.
func (r *Router) Ready() error {
	var errs []error
	for name, err := range r.Readiness() {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}
