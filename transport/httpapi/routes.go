package httpapi

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/planstore/planstore/transport/auth"
)

// routes lists every route in one place; the OpenAPI test walks this router. The /v1
// routes are registered with their full paths rather than on a PathPrefix subrouter:
// gorilla/mux answers a wrong method on a subrouter's route with 404, where HTTP wants
// 405 and an Allow header.
func (s *Server) routes(reg *prometheus.Registry) *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = s.handle(func(http.ResponseWriter, *http.Request) error { return errNotFoundRoute })
	r.MethodNotAllowedHandler = s.handle(func(w http.ResponseWriter, req *http.Request) error {
		w.Header().Set("Allow", strings.Join(allowedMethods(r, req), ", "))
		return errMethodNotAllowed
	})
	// Correlation, logging and panic recovery wrap the whole router (see ServeHTTP), so
	// that unmatched routes get them too; inside, only the route's name is recorded.
	r.Use(labelRoute)

	// gorilla/mux tries routes in the order they were added, running each one's path
	// regexp: the plan GET, the most frequent request by far, comes first, so it costs
	// one match rather than nine (four of them its own path under other methods). No
	// other route serves GET or HEAD on its path, so the order changes no answer.
	if s.plans != nil {
		r.Handle("/v1/plans/{id}", s.authorized(auth.ScopeRead, s.getPlan)).Methods(http.MethodGet, http.MethodHead)
	}

	r.Handle("/healthz", s.handle(s.healthz)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/readyz", s.handle(s.readyz)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})).Methods(http.MethodGet)
	r.Handle("/openapi.json", s.handle(s.openAPI)).Methods(http.MethodGet)

	if c := s.commands; c != nil {
		r.Handle("/v1/plans", s.authorized(auth.ScopeWrite, s.idempotent(s.createPlan))).Methods(http.MethodPost)
		r.Handle("/v1/plans/{id}", s.authorized(auth.ScopeWrite, s.idempotent(s.replacePlan))).Methods(http.MethodPut)
		r.Handle("/v1/plans/{id}", s.authorized(auth.ScopeWrite, s.idempotent(s.patchPlan))).Methods(http.MethodPatch)
		r.Handle("/v1/plans/{id}", s.authorized(auth.ScopeWrite, s.idempotent(s.deletePlan))).Methods(http.MethodDelete)
	}
	if s.plans != nil {
		r.Handle("/v1/plans/{id}/events", s.authorized(auth.ScopeRead, s.planEvents)).Methods(http.MethodGet)
	}
	if s.feed != nil {
		r.Handle("/v1/events", s.authorized(auth.ScopeRead, s.events)).Methods(http.MethodGet)
	}
	if sub := s.subscriptions; sub != nil {
		admin := func(h handlerFunc) http.Handler { return s.authorized(auth.ScopeAdmin, h) }
		r.Handle("/v1/subscriptions", admin(s.createSubscription)).Methods(http.MethodPost)
		r.Handle("/v1/subscriptions", admin(s.listSubscriptions)).Methods(http.MethodGet)
		r.Handle("/v1/subscriptions/{id}", admin(s.getSubscription)).Methods(http.MethodGet)
		r.Handle("/v1/subscriptions/{id}", admin(s.deleteSubscription)).Methods(http.MethodDelete)
		r.Handle("/v1/subscriptions/{id}/pause", admin(s.pauseSubscription(true))).Methods(http.MethodPost)
		r.Handle("/v1/subscriptions/{id}/resume", admin(s.pauseSubscription(false))).Methods(http.MethodPost)
		r.Handle("/v1/subscriptions/{id}/dead-letters", admin(s.listSubscriptionDeadLetters)).Methods(http.MethodGet)
		r.Handle("/v1/subscriptions/{id}/redeliver", admin(s.redeliverDeadLetters)).Methods(http.MethodPost)
		r.Handle("/v1/subscriptions/{id}/discard", admin(s.discardDeadLetters)).Methods(http.MethodPost)
		r.Handle("/v1/subscriptions/{id}/dead-letters/{event}", admin(s.discardDeadLetters)).Methods(http.MethodDelete)
	}
	if s.audit != nil {
		r.Handle("/v1/plans/{id}/audit", s.authorized(auth.ScopeRead, s.planAudit)).Methods(http.MethodGet)
	}
	if s.search != nil {
		r.Handle("/v1/search", s.authorized(auth.ScopeRead, s.searchPlans)).Methods(http.MethodPost, http.MethodGet)
	}
	if s.replay != nil {
		r.Handle("/v1/admin/replay", s.authorized(auth.ScopeAdmin, s.startReplay)).Methods(http.MethodPost)
		r.Handle("/v1/admin/replay/{job}", s.authorized(auth.ScopeAdmin, s.replayStatus)).Methods(http.MethodGet)
	}
	if _, ok := s.audit.(operatorAuditor); ok {
		r.Handle("/v1/admin/operator-audit", s.authorized(auth.ScopeOperator, s.operatorAudit)).Methods(http.MethodGet)
	}
	s.adminRoutes(r)
	if s.imports != nil {
		r.Handle("/v1/imports", s.authorized(auth.ScopeWrite, s.startImport)).Methods(http.MethodPost)
		r.Handle("/v1/imports/{job}", s.authorized(auth.ScopeWrite, s.importStatus)).Methods(http.MethodGet)
		r.Handle("/v1/imports/{job}", s.authorized(auth.ScopeWrite, s.cancelImport)).Methods(http.MethodDelete)
		r.Handle("/v1/imports/{job}/errors", s.authorized(auth.ScopeWrite, s.importErrors)).Methods(http.MethodGet)
	}
	return r
}

// methodsToTry are the methods an Allow header can list.
var methodsToTry = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
}

// allowedMethods lists the methods some route of r serves at req's path (RFC 9110
// 15.5.6: a 405 must say which methods would work).
func allowedMethods(r *mux.Router, req *http.Request) []string {
	var allowed []string
	for _, method := range methodsToTry {
		probe := req.Clone(req.Context())
		probe.Method = method
		var match mux.RouteMatch
		if r.Match(probe, &match) && match.MatchErr == nil {
			allowed = append(allowed, method)
		}
	}
	return allowed
}
