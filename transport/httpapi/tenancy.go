package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/messaging/audit"
)

// operatorAuditor keeps the requests made with the cross-tenant operator scope.
type operatorAuditor interface {
	RecordOperatorAccess(ctx context.Context, actor, correlationID, detail string) error
	OperatorAccesses(ctx context.Context) ([]audit.Entry, error)
}

// orgParam narrows a request to one of the caller's organisations: a caller in several
// (or an operator, who otherwise addresses the default organisation's plans) names the
// one whose plan it means.
const orgParam = "org"

// confine applies ?org= to the caller's access and audits every request an operator
// makes, before the handler runs. The confinement itself happens in the command and
// query layers, which read the access from the context.
func (s *Server) confine(r *http.Request, p auth.Principal) (*http.Request, error) {
	access := p.Access
	if q := r.URL.Query(); q.Has(orgParam) {
		org := q.Get(orgParam)
		narrowed, ok := access.Narrow(org)
		if !ok {
			return r, &tenancy.OrgError{Path: orgParam, Org: org, Kind: tenancy.ErrForbiddenOrg,
				Reason: "is not one of your organisations"}
		}
		r = r.WithContext(tenancy.WithAccess(r.Context(), narrowed))
	}
	if access.All() {
		if err := s.auditOperator(r, p); err != nil {
			return r, err
		}
	}
	return r, nil
}

// auditOperator records an operator's request, in the log and in the audit log; a
// request whose audit entry cannot be written is refused, so no operator access goes
// unrecorded.
func (s *Server) auditOperator(r *http.Request, p auth.Principal) error {
	detail := r.Method + " " + r.URL.RequestURI()
	s.log.InfoContext(r.Context(), "operator access", slog.String("actor", p.Subject),
		slog.String("request", detail), slog.String("correlation_id", correlationIDFrom(r.Context())))
	if a, ok := s.audit.(operatorAuditor); ok {
		if err := a.RecordOperatorAccess(r.Context(), p.Subject, correlationIDFrom(r.Context()), detail); err != nil {
			return errors.Join(errOperatorAudit, err)
		}
	}
	return nil
}

var errOperatorAudit = errors.New("operator access could not be audited")

// operatorAudit lists the operator's recorded requests; its route needs the operator
// scope.
func (s *Server) operatorAudit(w http.ResponseWriter, r *http.Request) error {
	a, ok := s.audit.(operatorAuditor)
	if !ok {
		return errNotFoundRoute
	}
	entries, err := a.OperatorAccesses(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, entries)
}
