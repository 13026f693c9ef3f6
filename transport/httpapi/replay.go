package httpapi

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/planstore/planstore/tenancy"
)

// Replayer runs read-model rebuilds as jobs.
type Replayer interface {
	// Start begins a replay; it fails with an error wrapping replay.ErrReplayRunning
	// while one runs.
	Start(ctx context.Context) (jobID string, err error)
	// Status describes a job (any JSON-encodable value); found is false for unknown ids.
	Status(jobID string) (status any, done bool, found bool)
}

func (s *Server) startReplay(w http.ResponseWriter, r *http.Request) error {
	if !tenancy.FromContext(r.Context()).All() {
		return tenancy.ErrDeploymentWide
	}
	id, err := s.replay.Start(r.Context())
	if err != nil {
		return err
	}
	status, done, _ := s.replay.Status(id)
	if done {
		return writeJSON(w, http.StatusOK, status)
	}
	w.Header().Set("Location", "/v1/admin/replay/"+id)
	return writeJSON(w, http.StatusAccepted, status)
}

func (s *Server) replayStatus(w http.ResponseWriter, r *http.Request) error {
	if !tenancy.FromContext(r.Context()).All() {
		return tenancy.ErrDeploymentWide
	}
	status, _, found := s.replay.Status(mux.Vars(r)["job"])
	if !found {
		return errNotFoundRoute
	}
	return writeJSON(w, http.StatusOK, status)
}
