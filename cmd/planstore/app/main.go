package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections/esengine"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/transport/httpapi"
	"github.com/planstore/planstore/transport/presence"
)

// Main is one running role. Run starts it and returns once it serves; Close stops it.
type Main struct {
	cfg      Config
	role     Role
	parts    parts
	log      *slog.Logger
	announce *slog.Logger // start-up lines printed whatever the log level
	registry *prometheus.Registry
	codec    *events.Codec
	redis    redis.UniversalClient // with --redis-url; see redisClient

	// engine is the in-process search engine when it is the read model (no --es-url), nil
	// with a cluster: projections write to it directly, not through _bulk.
	engine *esengine.Engine
	// engineCurrent: the embedded engine holds the whole event log, loaded from its saved
	// state or rebuilt, so a clean shutdown may save it (engine_state.go).
	engineCurrent bool
	// engineLoaded is what the embedded engine was loaded from, if it was: a clean
	// shutdown with the log at the same mark and no write since leaves that file be.
	engineLoaded loadedState

	store    eventStore     // the role's event store, once open
	presence presence.Store // where heartbeats go (presence.go)
	pipeline *pipelineParts // what the role runs of the pipeline, for its heartbeat

	listener net.Listener
	server   *http.Server
	grpc     *grpcRole // API roles: PlanService on the HTTP port and --grpc-addr
	closers  []closer  // closed in reverse order

	failed chan error // a worker that cannot go on; see Failed
}

type closer struct {
	name  string
	close func(ctx context.Context) error
}

// New validates the configuration for the role; nothing is opened yet.
func New(cfg Config, role Role, logOutput io.Writer) (*Main, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p, err := role.parts(&cfg)
	if err != nil {
		return nil, err
	}
	if err := cfg.checkDataDir(); err != nil {
		return nil, err
	}
	log, err := newLogger(logOutput, cfg.LogLevel)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Main{
		cfg: cfg, role: role, parts: p, log: log.With(slog.String("role", string(role))), registry: reg,
		announce: announcer(logOutput).With(slog.String("role", string(role))),
		failed:   make(chan error, 1),
	}, nil
}

// Failed receives the error of a worker that cannot go on after Run returned (a relay
// that lost the lead of the outbox): the role should then Close and exit non-zero, so
// that its supervisor restarts it.
func (m *Main) Failed() <-chan error { return m.failed }

// fail reports err on Failed; only the first failure is kept.
func (m *Main) fail(err error) {
	select {
	case m.failed <- err:
	default:
	}
}

// Addr is the address the HTTP server listens on (useful with port 0).
func (m *Main) Addr() string {
	if m.listener == nil {
		return ""
	}
	return m.listener.Addr().String()
}

// URL is the base URL of the HTTP server.
func (m *Main) URL() string { return "http://" + m.Addr() }

// Run opens every backend the role needs (failing clearly when a configured one does not
// answer), starts its workers and the HTTP server, and returns.
func (m *Main) Run(ctx context.Context) error {
	start := time.Now()
	m.paceCollector()
	// The profiler before any backend, so a slow start-up (the embedded engine's
	// rebuild from the event log) can be profiled while it runs.
	if err := m.servePprof(); err != nil {
		return err
	}
	// The key first: a missing --signing-key-file is a mistake in the set-up, cheaper to
	// report than any backend's.
	verifier, err := m.openVerifier(ctx)
	if err != nil {
		return err
	}
	store, err := m.openEventStore(ctx)
	if err != nil {
		return err
	}
	cfg := httpapi.Config{
		Logger: m.log, Verifier: verifier, Registry: m.registry, MaxBodyBytes: m.cfg.MaxBodyBytes,
	}
	if m.parts.commandAPI {
		if cfg.Commands, err = newCommands(store, m.registry); err != nil {
			return err
		}
		if cfg.Idempotency, err = m.openIdempotency(ctx); err != nil {
			return err
		}
	}
	if m.parts.commandAPI || m.parts.queryAPI {
		if cfg.Plans, err = queries.NewPlans(store); err != nil {
			return err
		}
		if cfg.Feed, err = queries.NewFeed(store); err != nil {
			return err
		}
	}
	m.store = store
	if err := m.startPipeline(ctx, store, &cfg); err != nil {
		return err
	}
	if err := m.openPresence(ctx, &cfg); err != nil {
		return err
	}
	if m.servesPlans() {
		if cfg.Console, err = m.newConsole(); err != nil {
			return err
		}
	}
	if err := m.startImports(ctx, store, &cfg); err != nil {
		return err
	}
	if err := m.startWebhooks(ctx, store, &cfg); err != nil {
		return err
	}
	handler, err := httpapi.New(cfg)
	if err != nil {
		return err
	}
	root, err := m.newGRPC(ctx, store, cfg, handler)
	if err != nil {
		return err
	}
	if err := m.serveHTTP(root); err != nil {
		return err
	}
	if err := m.serveGRPC(); err != nil {
		return err
	}
	m.startHeartbeat(ctx, start)
	m.announce.Info("planstore started", m.startedAttrs(time.Since(start))...)
	return nil
}

// startedAttrs describe what this role runs on: only the backends it uses, and auth
// only where it verifies tokens.
func (m *Main) startedAttrs(took time.Duration) []any {
	attrs := []any{slog.String("addr", m.URL()), slog.Duration("startup", took), slog.String("version", Version()),
		slog.String("event_store", backendName(m.cfg.RedisURL, "redis", "embedded"))}
	if m.parts.relay || m.parts.projector {
		attrs = append(attrs, slog.String("bus", backendName(m.cfg.AMQPURL, "rabbitmq", "embedded")))
	}
	if m.parts.queryAPI || m.parts.projector {
		attrs = append(attrs, slog.String("search", backendName(join(m.cfg.ESURLs), "elasticsearch", "embedded")))
	}
	if m.verifiesTokens() {
		auth := m.cfg.Auth
		if auth == AuthDev {
			auth += " (key " + m.signingKeyPath() + ")"
		}
		attrs = append(attrs, slog.String("auth", auth))
	}
	return attrs
}

func (m *Main) serveHTTP(handler http.Handler) error {
	ln, err := net.Listen("tcp", m.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.cfg.Addr, err)
	}
	m.listener = ln
	m.server = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
	}
	if m.grpc != nil {
		// gRPC clients speak HTTP/2 with prior knowledge to a plaintext address (h2c).
		m.server.Protocols = new(http.Protocols)
		m.server.Protocols.SetHTTP1(true)
		m.server.Protocols.SetUnencryptedHTTP2(true)
	}
	go func() {
		if err := m.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.log.Error("http server stopped", slog.Any("error", err))
		}
	}()
	// The HTTP server stops first, so no new write arrives while the workers drain.
	m.onClose("http server", m.server.Shutdown)
	return nil
}

// Close stops the role: HTTP first, then the workers, then the backends.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.ShutdownGrace)
	defer cancel()
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		c := m.closers[i]
		if err := c.close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("close %s: %w", c.name, err))
		}
	}
	m.closers = nil
	return errors.Join(errs...)
}

// onClose registers cleanup; closers run in reverse order of registration.
func (m *Main) onClose(name string, fn func(ctx context.Context) error) {
	m.closers = append(m.closers, closer{name: name, close: fn})
}

func newCommands(store commands.EventStore, reg prometheus.Registerer) (*httpapi.Commands, error) {
	metrics, err1 := commands.NewMetrics(reg)
	h, err2 := commands.NewPlanHandlers(store)
	if err := cmp.Or(err1, err2); err != nil {
		return nil, err
	}
	return &httpapi.Commands{
		Create:  commands.Instrument[commands.CreatePlan]("create", h.Create, metrics),
		Replace: commands.Instrument[commands.ReplacePlan]("replace", h.Replace, metrics),
		Patch:   commands.Instrument[commands.PatchPlan]("patch", h.Patch, metrics),
		Delete:  commands.Instrument[commands.DeletePlan]("delete", h.Delete, metrics),
	}, nil
}

func backendName(url, real, embedded string) string {
	if url == "" {
		return embedded
	}
	return real
}

func join(urls []string) string {
	if len(urls) == 0 {
		return ""
	}
	return fmt.Sprint(urls)
}
