package httpapi

import (
	"context"
	"net/http"

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
// makes, before the handler runs (auth.Confinement, the same for every transport).
func (s *Server) confine(r *http.Request, p auth.Principal) (*http.Request, error) {
	c := auth.Confinement{Log: s.log}
	if a, ok := s.audit.(operatorAuditor); ok {
		c.Recorder = a
	}
	req := auth.Request{OrgField: orgParam, CorrelationID: correlationIDFrom(r.Context())}
	if r.URL.RawQuery != "" { // most requests have none: spare the parse
		q := r.URL.Query()
		req.Org, req.OrgNamed = q.Get(orgParam), q.Has(orgParam)
	}
	if p.Access.All() { // only an operator's audit entry quotes the request
		req.Detail = r.Method + " " + r.URL.RequestURI()
	}
	ctx, err := c.Apply(r.Context(), p, req)
	if ctx == r.Context() {
		return r, err // nothing narrowed: spare the copy of the request
	}
	return r.WithContext(ctx), err
}

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
