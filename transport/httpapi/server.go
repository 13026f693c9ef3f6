package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/internal/defaults"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/queries/search"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/messaging/audit"
)

// DefaultMaxBodyBytes bounds every request body. The example plan is 1.3 KB; a plan with
// the maximum 1,000 linked services is about 600 KB.
const DefaultMaxBodyBytes = 1 << 20

// The handlers this transport calls, declared here where they are used.
type (
	// planCommand handles the plan command C: Commands holds one per write.
	planCommand[C any] interface {
		Handle(context.Context, C) (commands.Result, error)
	}
	searcher interface {
		Search(context.Context, search.Request) (json.RawMessage, error)
	}
	auditTrail interface {
		ForHistory(ctx context.Context, key string, history []events.Envelope) ([]audit.Entry, error)
	}
)

// Commands are the write handlers; a role without the command API leaves them nil.
type Commands struct {
	Create  planCommand[commands.CreatePlan]
	Replace planCommand[commands.ReplacePlan]
	Patch   planCommand[commands.PatchPlan]
	Delete  planCommand[commands.DeletePlan]
}

// Config wires the transport. Nil parts are simply not routed, so each role serves only
// what it runs.
type Config struct {
	Logger   *slog.Logger
	Verifier auth.Verifier
	Commands *Commands
	Plans    *queries.Plans
	Search   searcher
	Audit    auditTrail
	Replay   Replayer
	Feed     eventFeed
	// Subscriptions manages webhook subscriptions (nil: not routed).
	Subscriptions subscriptionService
	Imports       Importer // bulk imports; nil: not routed
	// Idempotency keeps Idempotency-Key answers of the plan writes; nil: the header is
	// ignored.
	Idempotency IdempotencyStore
	Health      HealthChecker
	// System, DeadLetters (with the Consumers they belong to), AdminActions and Console
	// are the admin console's parts (issue 21); nil parts are not routed.
	System       SystemView
	DeadLetters  DeadLetters
	Consumers    []string
	AdminActions AdminActions
	Console      http.Handler
	Registry     *prometheus.Registry
	MaxBodyBytes int64
}

// Server is the HTTP API.
type Server struct {
	log           *slog.Logger
	verifier      auth.Verifier
	commands      *Commands
	plans         *queries.Plans
	search        searcher
	audit         auditTrail
	replay        Replayer
	feed          eventFeed
	subscriptions subscriptionService
	imports       Importer
	idempotency   IdempotencyStore
	health        HealthChecker
	system        SystemView
	deadLetters   DeadLetters
	consumers     []string
	adminActions  AdminActions
	console       http.Handler
	maxBodyBytes  int64
	metrics       *httpMetrics
	router        *mux.Router
	handler       http.Handler // router wrapped in the middleware every request passes
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil || cfg.Verifier == nil || cfg.Registry == nil {
		return nil, errors.New("httpapi: logger, verifier and registry are required")
	}
	cfg.MaxBodyBytes = defaults.Positive(cfg.MaxBodyBytes, DefaultMaxBodyBytes)
	metrics, err := newHTTPMetrics(cfg.Registry)
	if err != nil {
		return nil, err
	}
	s := &Server{
		log: cfg.Logger, verifier: cfg.Verifier, commands: cfg.Commands, plans: cfg.Plans,
		search: cfg.Search, audit: cfg.Audit, replay: cfg.Replay, health: cfg.Health,
		imports: cfg.Imports, idempotency: cfg.Idempotency,
		system: cfg.System, consumers: cfg.Consumers,
		adminActions: cfg.AdminActions, console: cfg.Console, feed: cfg.Feed, subscriptions: cfg.Subscriptions,
		maxBodyBytes: cfg.MaxBodyBytes, metrics: metrics,
	}
	if cfg.DeadLetters != nil {
		s.deadLetters = confinedDeadLetters{next: cfg.DeadLetters}
	}
	s.router = s.routes(cfg.Registry)
	// Outermost first: every response, including 404s and 405s of no route, carries a
	// correlation id and is logged and counted with it; a panic becomes a 500 that the
	// log line still sees.
	s.handler = s.correlate(s.observe(s.recoverPanics(s.withConsole(s.router))))
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// handlerFunc is an HTTP handler that returns its error instead of writing it, so that
// writeError stays the only place that turns errors into responses.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// authorized verifies the bearer token once per request and checks the route's scope.
func (s *Server) authorized(scope string, h handlerFunc) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		r, principal, err := auth.Authenticate(r, s.verifier)
		if err != nil {
			return err
		}
		if err := auth.RequireScope(principal, scope); err != nil {
			return err
		}
		if r, err = s.confine(r, principal); err != nil {
			return err
		}
		return h(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeRawJSON(w, status, b)
}

func writeRawJSON(w http.ResponseWriter, status int, b []byte) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err := w.Write(b)
	return err
}
