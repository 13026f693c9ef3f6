package grpcapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/queries/search"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/httpapi"
)

func newTestServer(t *testing.T) *Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rest, err := httpapi.New(httpapi.Config{Logger: log, Verifier: auth.NewOffVerifier(), Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Logger: log, Verifier: auth.NewOffVerifier(), Errors: rest})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStatusTranslatesTheHTTPMapping: every error kind of writeError gets its code and
// details, and an unexpected error leaks nothing.
func TestStatusTranslatesTheHTTPMapping(t *testing.T) {
	s := newTestServer(t)
	ctx := httpapi.WithCorrelationID(context.Background(), "corr-1")
	validation := &plan.ValidationError{Problems: []plan.Problem{
		{Path: "linkedPlanServices[1].planserviceCostShares.copay", Message: "must be >= 0"},
		{Path: "objectType", Message: "is required"},
	}}
	cases := []struct {
		err    error
		code   codes.Code
		reason string
		check  func(t *testing.T, st *status.Status)
	}{
		{fmt.Errorf("decode: %w", validation), codes.InvalidArgument, "VALIDATION_FAILED", func(t *testing.T, st *status.Status) {
			br := find[*errdetails.BadRequest](t, st)
			if len(br.FieldViolations) != 2 || br.FieldViolations[0].Field != "linkedPlanServices[1].planserviceCostShares.copay" {
				t.Fatalf("violations %v", br.FieldViolations)
			}
		}},
		{fmt.Errorf("patch: %w", commands.ErrPreconditionFailed), codes.FailedPrecondition, "PRECONDITION_FAILED", func(t *testing.T, st *status.Status) {
			if pf := find[*errdetails.PreconditionFailure](t, st); pf.Violations[0].Subject != "plans/p-1" {
				t.Fatalf("precondition failure %v", pf)
			}
		}},
		{plan.ErrAlreadyExists, codes.AlreadyExists, "PLAN_EXISTS", func(t *testing.T, st *status.Status) {
			if ri := find[*errdetails.ResourceInfo](t, st); ri.ResourceName != "plans/p-1" {
				t.Fatalf("resource info %v", ri)
			}
		}},
		{&events.ObjectIDTakenError{ObjectID: "o", Owner: "q"}, codes.AlreadyExists, "OBJECT_ID_TAKEN", nil},
		{fmt.Errorf("get: %w", events.ErrNotFound), codes.NotFound, "NOT_FOUND", func(t *testing.T, st *status.Status) {
			find[*errdetails.ResourceInfo](t, st)
		}},
		{events.ErrVersionConflict, codes.Aborted, "CONCURRENT_WRITE", nil},
		{events.ErrUnavailable, codes.Unavailable, "STORE_UNAVAILABLE", func(t *testing.T, st *status.Status) {
			if ri := find[*errdetails.RetryInfo](t, st); ri.RetryDelay.AsDuration().Seconds() != 2 {
				t.Fatalf("retry info %v", ri)
			}
		}},
		{search.ErrBusy, codes.Unavailable, "SEARCH_BUSY", nil},
		{events.ErrStorageFull, codes.ResourceExhausted, "STORAGE_FULL", nil},
		{auth.ErrMissingToken, codes.Unauthenticated, "UNAUTHORIZED", nil},
		{&auth.InsufficientScopeError{Required: auth.ScopeWrite}, codes.PermissionDenied, "INSUFFICIENT_SCOPE", nil},
		{errors.New("redis: secret internals"), codes.Internal, "INTERNAL", func(t *testing.T, st *status.Status) {
			if st.Message() == "" || contains(st.Message(), "secret") {
				t.Fatalf("internal error message %q", st.Message())
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.reason, func(t *testing.T) {
			st := status.Convert(s.status(ctx, "/planstore.v1.PlanService/Patch", "p-1", c.err))
			if st.Code() != c.code {
				t.Fatalf("%v: code %v, want %v", c.err, st.Code(), c.code)
			}
			info := find[*errdetails.ErrorInfo](t, st)
			if info.Reason != c.reason || info.Domain != "planstore" || info.Metadata["correlation_id"] != "corr-1" {
				t.Fatalf("error info %v", info)
			}
			if c.check != nil {
				c.check(t, st)
			}
		})
	}
}

func find[D any](t *testing.T, st *status.Status) D {
	t.Helper()
	for _, d := range st.Details() {
		if v, ok := d.(D); ok {
			return v
		}
	}
	var zero D
	t.Fatalf("%v: no %T in %v", st.Err(), zero, st.Details())
	return zero
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
