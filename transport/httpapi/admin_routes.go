package httpapi

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/planstore/planstore/transport/auth"
)

// adminRoutes are the system view, the dead-letter routes and the console (issue 21),
// kept apart from routes so that the API's own list stays short.
func (s *Server) adminRoutes(r *mux.Router) {
	if s.system != nil {
		r.Handle("/v1/admin/system", s.authorized(auth.ScopeAdmin, s.systemStatus)).Methods(http.MethodGet)
	}
	if s.deadLetters != nil {
		const one = "/v1/admin/dead-letters/{consumer}/{id}"
		r.Handle("/v1/admin/dead-letters", s.authorized(auth.ScopeAdmin, s.listConsumers)).Methods(http.MethodGet)
		r.Handle("/v1/admin/dead-letters/{consumer}", s.authorized(auth.ScopeAdmin, s.listDeadLetters)).Methods(http.MethodGet)
		r.Handle(one, s.authorized(auth.ScopeAdmin, s.getDeadLetter)).Methods(http.MethodGet)
		r.Handle(one, s.authorized(auth.ScopeAdmin, s.discardDeadLetter)).Methods(http.MethodDelete)
		r.Handle(one+"/redeliver", s.authorized(auth.ScopeAdmin, s.redeliverDeadLetter)).Methods(http.MethodPost)
	}
	if s.adminActions != nil {
		r.Handle("/v1/admin/actions", s.authorized(auth.ScopeAdmin, s.recentAdminActions)).Methods(http.MethodGet)
	}
	if s.console != nil {
		// The console's pages and assets carry no data and need no token: every data
		// call they make is a /v1 request with the signed-in caller's bearer token.
		r.PathPrefix("/admin").Handler(s.console).Methods(http.MethodGet, http.MethodHead)
	}
}
