package httpapi

import (
	"net/http"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/planstore/planstore/transport/auth"
)

// routes lists every route in one place; the OpenAPI test walks this router.
func (s *Server) routes(reg *prometheus.Registry) *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = s.handle(func(http.ResponseWriter, *http.Request) error { return errNotFoundRoute })
	r.MethodNotAllowedHandler = s.handle(func(http.ResponseWriter, *http.Request) error { return errMethodNotAllowed })
	r.Use(s.recoverPanics, s.correlate, s.observe)

	r.Handle("/healthz", s.handle(s.healthz)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/readyz", s.handle(s.readyz)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})).Methods(http.MethodGet)
	r.Handle("/openapi.json", s.handle(s.openAPI)).Methods(http.MethodGet)

	v1 := r.PathPrefix("/v1").Subrouter()
	if c := s.commands; c != nil {
		v1.Handle("/plans", s.authorized(auth.ScopeWrite, s.createPlan)).Methods(http.MethodPost)
		v1.Handle("/plans/{id}", s.authorized(auth.ScopeWrite, s.replacePlan)).Methods(http.MethodPut)
		v1.Handle("/plans/{id}", s.authorized(auth.ScopeWrite, s.patchPlan)).Methods(http.MethodPatch)
		v1.Handle("/plans/{id}", s.authorized(auth.ScopeWrite, s.deletePlan)).Methods(http.MethodDelete)
	}
	if s.plans != nil {
		v1.Handle("/plans/{id}", s.authorized(auth.ScopeRead, s.getPlan)).Methods(http.MethodGet, http.MethodHead)
		v1.Handle("/plans/{id}/events", s.authorized(auth.ScopeRead, s.planEvents)).Methods(http.MethodGet)
	}
	if s.audit != nil {
		v1.Handle("/plans/{id}/audit", s.authorized(auth.ScopeRead, s.planAudit)).Methods(http.MethodGet)
	}
	if s.search != nil {
		v1.Handle("/search", s.authorized(auth.ScopeRead, s.searchPlans)).Methods(http.MethodPost, http.MethodGet)
	}
	if s.replay != nil {
		v1.Handle("/admin/replay", s.authorized(auth.ScopeAdmin, s.startReplay)).Methods(http.MethodPost)
		v1.Handle("/admin/replay/{job}", s.authorized(auth.ScopeAdmin, s.replayStatus)).Methods(http.MethodGet)
	}
	return r
}
