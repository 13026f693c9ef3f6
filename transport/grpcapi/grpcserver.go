package grpcapi

import (
	"context"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"

	"github.com/planstore/planstore/internal/periodic"

	planstorev1 "github.com/planstore/planstore/api/planstore/v1"
)

// Keepalive: the server pings an idle connection every keepaliveTime so a subscriber
// whose machine vanished is noticed (its stream ends and frees its batch), and lets
// clients ping as often as every minClientPing, even without calls.
const (
	keepaliveTime    = 30 * time.Second
	keepaliveTimeout = 10 * time.Second
	minClientPing    = 10 * time.Second
)

// ReadinessChecker is the readiness of the role (what /readyz answers).
type ReadinessChecker interface {
	Ready(ctx context.Context) (ready bool, report any)
}

// NewGRPCServer builds the gRPC server of a role: PlanService behind the token and
// scope interceptors, the standard health service (grpc.health.v1, no token needed, as
// /healthz and /readyz need none) and server reflection (as /openapi.json, the schema
// for grpcurl and other tools). maxMessage bounds a request as --max-body-bytes bounds
// an HTTP body.
func (s *Server) NewGRPCServer(maxMessage int) (*grpc.Server, *health.Server) {
	g := grpc.NewServer(
		grpc.ChainUnaryInterceptor(s.UnaryInterceptor),
		grpc.ChainStreamInterceptor(s.StreamInterceptor),
		grpc.MaxRecvMsgSize(maxMessage),
		grpc.KeepaliveParams(keepalive.ServerParameters{Time: keepaliveTime, Timeout: keepaliveTimeout}),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: minClientPing, PermitWithoutStream: true}),
	)
	planstorev1.RegisterPlanServiceServer(g, s)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(g, hs)
	reflection.Register(g)
	return g, hs
}

// WatchReadiness keeps the health service's answer (for "" and for
// planstore.v1.PlanService) in step with the role's readiness, checking every interval
// until ctx ends; then it reports NOT_SERVING, as a role shutting down is.
func WatchReadiness(ctx context.Context, hs *health.Server, ready ReadinessChecker, interval time.Duration) {
	set := func(st healthpb.HealthCheckResponse_ServingStatus) {
		hs.SetServingStatus("", st)
		hs.SetServingStatus(planstorev1.PlanService_ServiceDesc.ServiceName, st)
	}
	check := func() {
		cctx, cancel := context.WithTimeout(ctx, interval)
		defer cancel()
		if ok, _ := ready.Ready(cctx); ok {
			set(healthpb.HealthCheckResponse_SERVING)
		} else {
			set(healthpb.HealthCheckResponse_NOT_SERVING)
		}
	}
	check()
	periodic.Every(ctx, interval, check)
	hs.Shutdown()
}
