package app

import (
	"context"

	"github.com/planstore/planstore/transport/httpapi"
)

// startPipeline starts the event pipeline parts of the role: relay, projector, search.
func (m *Main) startPipeline(ctx context.Context, store eventStore, cfg *httpapi.Config) error {
	return nil
}
