package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/idempotency"
	"github.com/planstore/planstore/projections/replay"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/queries/search"
	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/webhooks"
)

// Errors raised by the transport itself, before a command or query runs.
var (
	errBodyTooLarge         = errors.New("request body too large")
	errUnsupportedMediaType = errors.New("unsupported media type")
	errEmptyBody            = errors.New("request body is empty")
	errBodyTimeout          = errors.New("request body not received in time")
	errBodyUnreadable       = errors.New("request body could not be read")
	errNotFoundRoute        = errors.New("no such route")
	errMethodNotAllowed     = errors.New("method not allowed")
)

// retryAfterUnavailable is the Retry-After of a 503 for an unavailable event store, in
// seconds: about what a Redis Cluster failover still has to go once the store has
// already retried for its retry window.
const retryAfterUnavailable = "2"

// writeError is the one place where an error becomes an HTTP response. Everything a
// client may see is chosen here; internal errors are logged once, with the correlation
// id the client also gets, and answered with a generic 500.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if s.writeImportError(w, r, err) {
		return
	}
	var (
		validation *plan.ValidationError
		taken      *events.ObjectIDTakenError
		scope      *auth.InsufficientScopeError
		badQuery   *search.InvalidQueryError
		badParam   *paramError
		orgErr     *tenancy.OrgError
		badSub     *webhooks.InvalidError
	)
	switch {
	case errors.As(err, &validation):
		p := newProblem(http.StatusBadRequest, "validation-failed", "The document is invalid",
			fmt.Sprintf("%d problem(s) found", len(validation.Problems)))
		for _, vp := range validation.Problems {
			p.Errors = append(p.Errors, FieldProblem{Path: vp.Path, Message: vp.Message})
		}
		writeProblem(w, r, p)
	case errors.As(err, &orgErr) && errors.Is(err, tenancy.ErrForbiddenOrg):
		p := newProblem(http.StatusForbidden, "forbidden-org", "Not one of your organisations",
			fmt.Sprintf("%s %q is not one of the organisations of your token", orgErr.Path, orgErr.Org))
		p.Errors = []FieldProblem{{Path: orgErr.Path, Message: orgErr.Reason}}
		writeProblem(w, r, p)
	case errors.Is(err, tenancy.ErrDeploymentWide):
		writeProblem(w, r, newProblem(http.StatusForbidden, "operator-only", "Only an operator may do this",
			"this action touches every organisation's plans: it needs a token with plans:operator besides plans:admin"))
	case errors.As(err, &orgErr):
		p := newProblem(http.StatusUnprocessableEntity, "org-mismatch", "The plan's organisations do not match",
			orgErr.Error())
		p.Errors = []FieldProblem{{Path: orgErr.Path, Message: orgErr.Reason}}
		writeProblem(w, r, p)
	case errors.As(err, &badParam):
		p := newProblem(http.StatusBadRequest, "invalid-parameter", "A query parameter is invalid", badParam.Error())
		p.Errors = []FieldProblem{{Path: badParam.name, Message: badParam.message}}
		writeProblem(w, r, p)
	case errors.Is(err, idempotency.ErrMismatch):
		writeProblem(w, r, newProblem(http.StatusUnprocessableEntity, "idempotency-key-reused", "The Idempotency-Key was used for another request",
			"a key stands for one request (method, path, If-Match, Content-Type and body); use a new key for a new request"))
	case errors.Is(err, idempotency.ErrInProgress):
		w.Header().Set("Retry-After", "1")
		writeProblem(w, r, newProblem(http.StatusConflict, "idempotency-key-in-progress", "A request with this Idempotency-Key is still running",
			"retry after it has been answered"))
	case errors.As(err, &badSub):
		p := newProblem(http.StatusBadRequest, "invalid-subscription", "The subscription is invalid", badSub.Error())
		p.Errors = []FieldProblem{{Path: badSub.Field, Message: badSub.Reason}}
		writeProblem(w, r, p)
	case errors.Is(err, webhooks.ErrNotFound):
		writeProblem(w, r, newProblem(http.StatusNotFound, "not-found", "Not found", "no such subscription or dead letter"))
	case errors.Is(err, errBodyTimeout):
		// The connection cannot be reused: the rest of the body may still arrive.
		w.Header().Set("Connection", "close")
		writeProblem(w, r, newProblem(http.StatusRequestTimeout, "body-timeout", "The request body came too slowly",
			"the whole body must arrive within the server's read timeout"))
	case errors.Is(err, errBodyUnreadable):
		w.Header().Set("Connection", "close")
		writeProblem(w, r, newProblem(http.StatusBadRequest, "body-unreadable", "The request body could not be read",
			"the body ended early or its chunked encoding is malformed"))
	case errors.Is(err, errEmptyBody):
		writeProblem(w, r, newProblem(http.StatusBadRequest, "empty-body", "The request body is empty", "send a JSON document"))
	case errors.As(err, &badQuery):
		p := newProblem(http.StatusBadRequest, "invalid-query", "The search request is invalid", badQuery.Error())
		writeProblem(w, r, p)
	case errors.Is(err, search.ErrBusy):
		w.Header().Set("Retry-After", "1")
		writeProblem(w, r, newProblem(http.StatusServiceUnavailable, "search-busy", "Too many searches",
			"every search slot is taken and the queue is full; retry after the Retry-After delay"))
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away (a search stops then): nobody reads the answer, and it
		// is no server error to log as one.
		s.log.InfoContext(r.Context(), "client went away", slog.String("method", r.Method), slog.String("path", r.URL.Path))
		writeProblem(w, r, newProblem(http.StatusServiceUnavailable, "client-gone", "The client went away", ""))
	case errors.Is(err, plan.ErrAlreadyExists):
		writeProblem(w, r, newProblem(http.StatusConflict, "plan-exists", "The plan already exists",
			"a plan with this objectId exists; use PUT or PATCH to change it"))
	case errors.As(err, &taken):
		writeProblem(w, r, newProblem(http.StatusConflict, "object-id-taken", "An objectId belongs to another plan",
			fmt.Sprintf("objectId %q is already used by another plan; objectIds are unique across the plans of an organisation", tenancy.Bare(taken.ObjectID))))
	case errors.Is(err, commands.ErrPreconditionFailed):
		writeProblem(w, r, newProblem(http.StatusPreconditionFailed, "precondition-failed", "The plan has changed",
			"If-Match does not match the current ETag; GET the plan and retry with its ETag"))
	case errors.Is(err, events.ErrVersionConflict):
		writeProblem(w, r, newProblem(http.StatusConflict, "concurrent-write", "The plan was changed concurrently",
			"another write to this plan won the race; retry"))
	case errors.Is(err, queries.ErrNotThen):
		writeProblem(w, r, newProblem(http.StatusNotFound, "not-found", "Not found",
			"the plan did not exist at that version or time, or had been deleted; its history lists every version"))
	case errors.Is(err, errNotFoundRoute):
		// Each role serves its own routes: say so, since the usual cause is a request sent
		// to the wrong role (a replay to the command API).
		writeProblem(w, r, newProblem(http.StatusNotFound, "not-found", "Not found",
			"this server has no route "+r.Method+" "+r.URL.Path+": each planstore role serves its own routes (README, Roles)"))
	case errors.Is(err, messaging.ErrDeadLetterNotFound):
		writeProblem(w, r, newProblem(http.StatusNotFound, "not-found", "Not found",
			"no such dead letter: it was redelivered or discarded, or never dead-lettered"))
	case errors.Is(err, plan.ErrNotFound), errors.Is(err, events.ErrNotFound):
		writeProblem(w, r, newProblem(http.StatusNotFound, "not-found", "Not found", ""))
	case errors.Is(err, errMethodNotAllowed):
		writeProblem(w, r, newProblem(http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed", ""))
	case errors.Is(err, events.ErrStorageFull):
		// 507 (RFC 4918 11.5): nothing was stored, and the same request can succeed once
		// an operator frees space. The error itself is for the operator: /readyz names it.
		s.log.WarnContext(r.Context(), "write refused: storage full", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Any("error", err),
			slog.String("correlation_id", correlationIDFrom(r.Context())))
		w.Header().Set("Retry-After", "60")
		writeProblem(w, r, newProblem(http.StatusInsufficientStorage, "storage-full", "The server is out of storage",
			"nothing was stored; retry later (the event store's disk is full)"))
	case errors.Is(err, errBodyTooLarge):
		writeProblem(w, r, newProblem(http.StatusRequestEntityTooLarge, "body-too-large", "The request body is too large",
			fmt.Sprintf("the limit is %d bytes", s.maxBodyBytes)))
	case errors.Is(err, errUnsupportedMediaType):
		writeProblem(w, r, newProblem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
			err.Error()))
	case errors.Is(err, search.ErrUnavailable):
		// Not the client's fault and not a bug: the cluster is recovering (a node lost,
		// shards being promoted) after the client already retried on other nodes.
		s.log.WarnContext(r.Context(), "search unavailable", slog.Any("error", err))
		w.Header().Set("Retry-After", "1")
		writeProblem(w, r, newProblem(http.StatusServiceUnavailable, "search-unavailable", "Search is unavailable",
			"the search engine could not answer right now; retry in a moment"))
	case errors.Is(err, events.ErrUnavailable):
		// A failover or a replica slow to confirm: the write was not acknowledged (it may
		// still have been applied, so GET before writing again without If-Match).
		s.log.WarnContext(r.Context(), "event store unavailable", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Any("error", err),
			slog.String("correlation_id", correlationIDFrom(r.Context())))
		w.Header().Set("Retry-After", retryAfterUnavailable)
		writeProblem(w, r, newProblem(http.StatusServiceUnavailable, "store-unavailable", "The event store is unavailable",
			"the event store did not confirm in time (a failover may be under way); retry after the Retry-After seconds. "+
				"A write answered 503 was not acknowledged but may have been applied: read before writing again"))
	case errors.Is(err, replay.ErrReplayRunning):
		writeProblem(w, r, newProblem(http.StatusConflict, "replay-running", "A replay is already running",
			"follow the running job, or wait until it is done"))
	case errors.Is(err, auth.ErrMissingToken), errors.Is(err, auth.ErrInvalidToken):
		challenge := `Bearer realm="planstore"`
		detail := "send Authorization: Bearer <token>"
		if errors.Is(err, auth.ErrInvalidToken) {
			challenge += `, error="invalid_token"`
			detail = err.Error()
		}
		w.Header().Set("WWW-Authenticate", challenge)
		writeProblem(w, r, newProblem(http.StatusUnauthorized, "unauthorized", "Authentication required", detail))
	case errors.As(err, &scope):
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="planstore", error="insufficient_scope", scope=%q`, scope.Required))
		writeProblem(w, r, newProblem(http.StatusForbidden, "insufficient-scope", "Missing scope",
			fmt.Sprintf("this request needs the scope %q", scope.Required)))
	default:
		s.log.ErrorContext(r.Context(), "request failed", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Any("error", err),
			slog.String("correlation_id", correlationIDFrom(r.Context())))
		writeProblem(w, r, newProblem(http.StatusInternalServerError, "internal", "Internal error",
			"the request failed on our side; quote the correlation_id when reporting it"))
	}
}
