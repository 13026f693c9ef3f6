package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/planstore/planstore/tenancy"
)

// OperatorRecorder keeps the requests made with the cross-tenant operator scope.
type OperatorRecorder interface {
	RecordOperatorAccess(ctx context.Context, actor, correlationID, detail string) error
}

// ErrOperatorAudit: an operator's request whose audit entry could not be written is
// refused, so no operator access goes unrecorded.
var ErrOperatorAudit = errors.New("operator access could not be audited")

// Confinement is what every transport does with an authenticated caller before the
// request runs (the confinement itself happens in the command and query layers, which
// read the access from the context): it narrows the caller to one organisation the
// request names (?org= over HTTP, x-planstore-org over gRPC) and records every request
// an operator makes, in the log and, with a Recorder, in the audit log.
type Confinement struct {
	Log      *slog.Logger     // nil: slog.Default()
	Recorder OperatorRecorder // nil: operator requests are logged only
}

// Request describes one request for Confinement.Apply.
type Request struct {
	Org           string // the organisation the request names, if OrgNamed
	OrgNamed      bool
	OrgField      string // where it was named, for the error: "org", "x-planstore-org"
	Detail        string // what an operator's audit entry says, e.g. "GET /v1/plans/x"
	CorrelationID string
}

// Apply returns ctx with the caller's access, narrowed if the request names an
// organisation; a *tenancy.OrgError when it is not one of the caller's; an error
// wrapping ErrOperatorAudit when an operator's request could not be recorded.
func (c Confinement) Apply(ctx context.Context, p Principal, req Request) (context.Context, error) {
	if req.OrgNamed {
		narrowed, ok := p.Access.Narrow(req.Org)
		if !ok {
			return ctx, &tenancy.OrgError{Path: req.OrgField, Org: req.Org, Kind: tenancy.ErrForbiddenOrg,
				Reason: "is not one of your organisations"}
		}
		ctx = tenancy.WithAccess(ctx, narrowed)
	}
	if !p.Access.All() {
		return ctx, nil
	}
	log := c.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "operator access", slog.String("actor", p.Subject),
		slog.String("request", req.Detail), slog.String("correlation_id", req.CorrelationID))
	if c.Recorder != nil {
		if err := c.Recorder.RecordOperatorAccess(ctx, p.Subject, req.CorrelationID, req.Detail); err != nil {
			return ctx, fmt.Errorf("%w: %w", ErrOperatorAudit, err)
		}
	}
	return ctx, nil
}
