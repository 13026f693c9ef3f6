package grpcapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events/feed"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/queries/search"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/httpapi"

	planstorev1 "github.com/planstore/planstore/api/planstore/v1"
)

// The handlers this transport calls, declared where they are used.
type (
	planReader interface {
		Get(ctx context.Context, planID string) (queries.PlanView, error)
		GetVersion(ctx context.Context, planID string, version int64) (queries.PlanView, error)
		GetAsOf(ctx context.Context, planID string, at time.Time) (queries.PlanView, error)
		HistoryAfter(ctx context.Context, planID string, afterVersion int64, limit int) (queries.HistoryPage, error)
	}
	searcher interface {
		Search(context.Context, search.Request) (json.RawMessage, error)
	}
	eventFeed interface {
		Follow(ctx context.Context, req queries.FeedRequest, each func(feed.Item) error, heartbeat func(cursor string) error) error
	}
	feedTail interface {
		End(ctx context.Context) (string, error)
	}
	// operatorAuditor records the calls made with the cross-tenant operator scope.
	operatorAuditor interface {
		RecordOperatorAccess(ctx context.Context, actor, correlationID, detail string) error
	}
	// problemMapper is the one mapping of errors (httpapi.Server.ProblemFor).
	problemMapper interface {
		ProblemFor(ctx context.Context, method, path string, err error) (httpapi.Problem, http.Header)
	}
)

// Config wires the transport. Nil handlers leave their methods answering
// UNIMPLEMENTED, so each role serves over gRPC what it serves over HTTP.
type Config struct {
	Logger   *slog.Logger
	Verifier auth.Verifier
	Errors   problemMapper
	Commands *httpapi.Commands
	Plans    *queries.Plans
	Search   searcher
	Feed     eventFeed
	Tail     feedTail
	// Operators audits operator calls (the audit log); nil logs them only.
	Operators operatorAuditor
}

// Server implements planstorev1.PlanServiceServer.
type Server struct {
	planstorev1.UnimplementedPlanServiceServer

	log       *slog.Logger
	verifier  auth.Verifier
	errors    problemMapper
	commands  *httpapi.Commands
	plans     planReader
	search    searcher
	feed      eventFeed
	tail      feedTail
	operators operatorAuditor

	stopping     chan struct{} // closed by StopStreams
	stoppingOnce sync.Once
}

// New checks the configuration.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil || cfg.Verifier == nil || cfg.Errors == nil {
		return nil, errors.New("grpcapi: logger, verifier and error mapping are required")
	}
	s := &Server{
		log: cfg.Logger, verifier: cfg.Verifier, errors: cfg.Errors, commands: cfg.Commands,
		search: cfg.Search, feed: cfg.Feed, tail: cfg.Tail, operators: cfg.Operators, stopping: make(chan struct{}),
	}
	if cfg.Plans != nil {
		s.plans = cfg.Plans
	}
	return s, nil
}

// StopStreams ends every Subscribe stream with UNAVAILABLE (the client resumes from
// its last position elsewhere or later), so that a graceful stop of the server waits
// for unary calls only.
func (s *Server) StopStreams() { s.stoppingOnce.Do(func() { close(s.stopping) }) }

// commandMeta is what every command carries into its events.
func commandMeta(ctx context.Context) commands.Metadata {
	actor := ""
	if p, ok := auth.PrincipalFrom(ctx); ok {
		actor = p.Subject
	}
	return commands.Metadata{Actor: actor, CorrelationID: httpapi.CorrelationIDFrom(ctx)}
}
