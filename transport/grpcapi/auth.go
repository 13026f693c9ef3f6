package grpcapi

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/httpapi"

	planstorev1 "github.com/planstore/planstore/api/planstore/v1"
)

// methodScopes is the scope each PlanService method needs: the scope of its REST route.
// Methods of other services (health, reflection) need no token, as /healthz and
// /openapi.json need none.
var methodScopes = map[string]string{
	planstorev1.PlanService_Create_FullMethodName:    auth.ScopeWrite,
	planstorev1.PlanService_Replace_FullMethodName:   auth.ScopeWrite,
	planstorev1.PlanService_Patch_FullMethodName:     auth.ScopeWrite,
	planstorev1.PlanService_Delete_FullMethodName:    auth.ScopeWrite,
	planstorev1.PlanService_Get_FullMethodName:       auth.ScopeRead,
	planstorev1.PlanService_History_FullMethodName:   auth.ScopeRead,
	planstorev1.PlanService_Search_FullMethodName:    auth.ScopeRead,
	planstorev1.PlanService_Subscribe_FullMethodName: auth.ScopeRead,
}

// correlationMetadata is the metadata key of the correlation id (X-Correlation-ID).
const correlationMetadata = "x-correlation-id"

// admit gives the call its correlation id, verifies the bearer token of a PlanService
// call and checks the method's scope; the context it returns carries the principal
// that the command and query handlers confine the call to.
func (s *Server) admit(ctx context.Context, method string) (context.Context, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	id := httpapi.CorrelationIDOrNew(first(md.Get(correlationMetadata)))
	ctx = httpapi.WithCorrelationID(ctx, id)
	scope, guarded := methodScopes[method]
	if !guarded {
		return ctx, nil
	}
	principal, err := auth.AuthenticateValues(ctx, md.Get("authorization"), s.verifier)
	if err != nil {
		return ctx, s.status(ctx, method, "", err)
	}
	if err := auth.RequireScope(principal, scope); err != nil {
		return ctx, s.status(ctx, method, "", err)
	}
	ctx = auth.WithPrincipal(ctx, principal)
	if ctx, err = s.confine(ctx, md, principal, method); err != nil {
		return ctx, s.status(ctx, method, "", err)
	}
	return ctx, nil
}

// orgMetadata narrows a call to one of the caller's organisations, as REST's ?org= does.
const orgMetadata = "x-planstore-org"

// confine applies x-planstore-org to the caller's access and audits every call an
// operator makes, as the HTTP API does (auth.Confinement).
func (s *Server) confine(ctx context.Context, md metadata.MD, p auth.Principal, method string) (context.Context, error) {
	c := auth.Confinement{Log: s.log}
	if s.operators != nil {
		c.Recorder = s.operators
	}
	orgs := md.Get(orgMetadata)
	if len(orgs) > 1 { // several names: none of them is "the" organisation
		return ctx, &tenancy.OrgError{Path: orgMetadata, Org: strings.Join(orgs, ","), Kind: tenancy.ErrForbiddenOrg,
			Reason: "names one organisation, not several"}
	}
	req := auth.Request{OrgNamed: len(orgs) == 1, OrgField: orgMetadata,
		Detail: "gRPC " + method, CorrelationID: httpapi.CorrelationIDFrom(ctx)}
	if req.OrgNamed {
		req.Org = orgs[0]
	}
	return c.Apply(ctx, p, req)
}

// UnaryInterceptor admits unary calls.
func (s *Server) UnaryInterceptor(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx, err := s.admit(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	_ = grpc.SetHeader(ctx, metadata.Pairs(correlationMetadata, httpapi.CorrelationIDFrom(ctx)))
	return handler(ctx, req)
}

// StreamInterceptor admits streaming calls.
func (s *Server) StreamInterceptor(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx, err := s.admit(ss.Context(), info.FullMethod)
	if err != nil {
		return err
	}
	_ = ss.SetHeader(metadata.Pairs(correlationMetadata, httpapi.CorrelationIDFrom(ctx)))
	return handler(srv, &admittedStream{ServerStream: ss, ctx: ctx})
}

// admittedStream is a stream whose context carries the principal.
type admittedStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (a *admittedStream) Context() context.Context { return a.ctx }

func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}
