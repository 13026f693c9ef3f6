package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/planstore/planstore/transport/presence"
)

// SystemView lists every role instance of the deployment from their heartbeats.
type SystemView interface {
	Instances(ctx context.Context) ([]presence.Instance, error)
}

type systemReport struct {
	Now              time.Time           `json:"now"`
	DownAfterSeconds float64             `json:"down_after_seconds"`
	Instances        []presence.Instance `json:"instances"`
}

func (s *Server) systemStatus(w http.ResponseWriter, r *http.Request) error {
	instances, err := s.system.Instances(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, systemReport{
		Now: time.Now().UTC(), DownAfterSeconds: presence.DownAfter.Seconds(), Instances: instances,
	})
}
