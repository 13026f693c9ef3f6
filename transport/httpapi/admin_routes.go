package httpapi

import (
	"net/http"
	"strings"

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
}

// withConsole sends /admin and everything under it to the console, beside the API's
// router: the console is no API route for the OpenAPI document to describe. Its pages and
// assets carry no data and need no token; every data call they make is a /v1 request
// with the signed-in caller's bearer token.
func (s *Server) withConsole(api http.Handler) http.Handler {
	if s.console == nil {
		return api
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/admin" && !strings.HasPrefix(r.URL.Path, "/admin/") {
			api.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			s.writeError(w, r, errMethodNotAllowed)
			return
		}
		s.console.ServeHTTP(w, r)
	})
}
