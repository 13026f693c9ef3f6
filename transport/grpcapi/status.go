package grpcapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/transport/httpapi"
)

// errorDomain is google.rpc.ErrorInfo's domain for planstore's reasons.
const errorDomain = "planstore"

// codeBySlug is the gRPC code of each problem type whose HTTP status alone says too
// little; the others follow codeByHTTPStatus.
var codeBySlug = map[string]codes.Code{
	"plan-exists":      codes.AlreadyExists,
	"object-id-taken":  codes.AlreadyExists,
	"concurrent-write": codes.Aborted,
	"replay-running":   codes.Aborted,
	"client-gone":      codes.Canceled,
	"body-timeout":     codes.DeadlineExceeded,
	"body-too-large":   codes.ResourceExhausted,
	"storage-full":     codes.ResourceExhausted,
}

// codeByStatus is the gRPC code of an HTTP status; codeByHTTPStatus adds the ranges.
var codeByStatus = map[int]codes.Code{
	http.StatusBadRequest:          codes.InvalidArgument,
	http.StatusUnprocessableEntity: codes.InvalidArgument,
	http.StatusUnauthorized:        codes.Unauthenticated,
	http.StatusForbidden:           codes.PermissionDenied,
	http.StatusNotFound:            codes.NotFound,
	http.StatusConflict:            codes.Aborted,
	http.StatusPreconditionFailed:  codes.FailedPrecondition,
	http.StatusTooManyRequests:     codes.ResourceExhausted,
	http.StatusServiceUnavailable:  codes.Unavailable,
	http.StatusRequestTimeout:      codes.DeadlineExceeded,
}

func codeByHTTPStatus(s int) codes.Code {
	if code, ok := codeByStatus[s]; ok {
		return code
	}
	if s >= 500 {
		return codes.Internal
	}
	return codes.Unknown
}

// status turns a handler's error into the call's status. The error is classified once,
// by the HTTP mapping (httpapi.ProblemFor); this translates the problem: its status and
// type choose the code, its field errors become BadRequest.FieldViolations with the
// same JSON paths, a failed precondition a PreconditionFailure, a missing or taken plan
// a ResourceInfo, Retry-After a RetryInfo, and its type an ErrorInfo reason with the
// correlation id to quote. planID names the plan of the call ("" for none).
func (s *Server) status(ctx context.Context, method, planID string, err error) error {
	if err == nil {
		return nil
	}
	if _, already := status.FromError(err); already {
		return err
	}
	var feedErr *queries.FeedRequestError
	if errors.As(err, &feedErr) {
		// The feed's own parameter errors; the HTTP mapping of GET /v1/events has them
		// on branch eventsout.
		return badRequest(ctx, "feed parameter "+feedErr.Param+" is invalid", feedErr.Param, feedErr.Reason)
	}
	p, header := s.errors.ProblemFor(ctx, "GRPC", method, err)
	slug := httpapi.ProblemSlug(p)
	code, ok := codeBySlug[slug]
	if !ok {
		code = codeByHTTPStatus(p.Status)
	}
	msg := p.Title
	if p.Detail != "" {
		msg += ": " + p.Detail
	}
	details := []protoadapt.MessageV1{&errdetails.ErrorInfo{
		Reason: strings.ToUpper(strings.ReplaceAll(slug, "-", "_")), Domain: errorDomain,
		Metadata: map[string]string{"type": p.Type, "correlation_id": p.CorrelationID},
	}}
	if len(p.Errors) > 0 {
		br := &errdetails.BadRequest{}
		for _, fp := range p.Errors {
			br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: fp.Path, Description: fp.Message})
		}
		details = append(details, br)
	}
	if code == codes.FailedPrecondition {
		details = append(details, &errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{{
			Type: "VERSION", Subject: "plans/" + planID,
			Description: "if_match is not the plan's current version; Get the plan and retry with its version",
		}}})
	}
	if planID != "" && (code == codes.NotFound || code == codes.AlreadyExists) {
		details = append(details, &errdetails.ResourceInfo{
			ResourceType: "planstore.v1.Plan", ResourceName: "plans/" + planID, Description: p.Detail,
		})
	}
	if secs, err := strconv.Atoi(header.Get("Retry-After")); err == nil && secs > 0 {
		details = append(details, &errdetails.RetryInfo{RetryDelay: durationpb.New(time.Duration(secs) * time.Second)})
	}
	st, derr := status.New(code, msg).WithDetails(details...)
	if derr != nil {
		return status.New(code, msg).Err()
	}
	return st.Err()
}

// badRequest is INVALID_ARGUMENT naming one request field.
func badRequest(ctx context.Context, msg, field, why string) error {
	st, err := status.New(codes.InvalidArgument, msg+": "+why).WithDetails(
		&errdetails.ErrorInfo{Reason: "INVALID_ARGUMENT", Domain: errorDomain,
			Metadata: map[string]string{"correlation_id": httpapi.CorrelationIDFrom(ctx)}},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field, Description: why}}})
	if err != nil {
		return status.Error(codes.InvalidArgument, msg+": "+why)
	}
	return st.Err()
}
