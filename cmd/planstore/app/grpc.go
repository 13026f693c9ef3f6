package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"google.golang.org/grpc"

	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/transport/grpcapi"
	"github.com/planstore/planstore/transport/httpapi"
)

// grpcReadinessInterval is how often the gRPC health service re-checks readiness.
const grpcReadinessInterval = 2 * time.Second

// grpcRole is the gRPC side of an API role.
type grpcRole struct {
	api      *grpcapi.Server
	server   *grpc.Server
	listener net.Listener // --grpc-addr; nil when gRPC is on the HTTP port only
	stop     context.CancelFunc
}

// newGRPC builds the gRPC server of an API role, over the same handlers as its HTTP
// API (every role that serves HTTP reads and writes serves gRPC too), and returns the
// handler of the HTTP port, which serves both.
func (m *Main) newGRPC(ctx context.Context, store eventStore, cfg httpapi.Config, rest *httpapi.Server) (http.Handler, error) {
	if !m.parts.commandAPI && !m.parts.queryAPI {
		return rest, nil
	}
	gcfg := grpcapi.Config{
		Logger: m.log, Verifier: cfg.Verifier, Errors: rest, Commands: cfg.Commands, Plans: cfg.Plans,
	}
	if cfg.Search != nil {
		gcfg.Search = cfg.Search
	}
	if a, ok := cfg.Audit.(interface {
		RecordOperatorAccess(ctx context.Context, actor, correlationID, detail string) error
	}); ok {
		gcfg.Operators = a
	}
	feed, err1 := queries.NewFeed(store)
	tail, err2 := queries.NewFeedTail(store)
	if err := cmp.Or(err1, err2); err != nil {
		return nil, err
	}
	gcfg.Feed, gcfg.Tail = feed, tail
	api, err := grpcapi.New(gcfg)
	if err != nil {
		return nil, err
	}
	server, hs := api.NewGRPCServer(int(m.cfg.MaxBodyBytes))
	watchCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	if cfg.Health != nil {
		go grpcapi.WatchReadiness(watchCtx, hs, cfg.Health, grpcReadinessInterval)
	}
	m.grpc = &grpcRole{api: api, server: server, stop: stop}
	return grpcapi.Handler(server, rest), nil
}

// serveGRPC starts --grpc-addr's listener, and registers the stop that runs before the
// HTTP server's: streams end first (UNAVAILABLE, resumable), unary calls finish within
// the shutdown grace.
func (m *Main) serveGRPC() error {
	g := m.grpc
	if g == nil {
		return nil
	}
	if m.cfg.GRPCAddr != "" {
		ln, err := net.Listen("tcp", m.cfg.GRPCAddr)
		if err != nil {
			return fmt.Errorf("listen on %s (--grpc-addr): %w", m.cfg.GRPCAddr, err)
		}
		g.listener = ln
		go func() {
			if err := g.server.Serve(ln); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
				m.log.Error("grpc server stopped", slog.Any("error", err))
			}
		}()
	}
	m.onClose("grpc server", func(ctx context.Context) error {
		g.stop()
		g.api.StopStreams()
		done := make(chan struct{})
		go func() {
			g.server.GracefulStop()
			close(done)
		}()
		select {
		case <-done:
		case <-ctx.Done():
			g.server.Stop()
		}
		return nil
	})
	return nil
}

// GRPCAddr is the --grpc-addr listener's address ("" without one; gRPC is on Addr too).
func (m *Main) GRPCAddr() string {
	if m.grpc == nil || m.grpc.listener == nil {
		return ""
	}
	return m.grpc.listener.Addr().String()
}
