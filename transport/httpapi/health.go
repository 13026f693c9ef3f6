package httpapi

import (
	"context"
	"net/http"
)

// HealthChecker reports whether every configured backend answers and every consumer is
// attached, and what is down when not.
type HealthChecker interface {
	Ready(ctx context.Context) (ready bool, report any)
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if s.health == nil {
		return writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}
	ready, report := s.health.Ready(r.Context())
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, status, report)
}
