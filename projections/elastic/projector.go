package elastic

import (
	"context"
	"errors"
	"fmt"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections"
)

// ActionWriter is what the projector needs of a Writer.
type ActionWriter interface {
	Write(ctx context.Context, actions ...projections.Action) error
}

// Projector keeps the read model in step with plan events. Handle is safe to call from
// many consumer goroutines at once, and in any order: every write is guarded by the
// event's aggregate version, so a redelivered or late event changes nothing.
type Projector struct {
	w ActionWriter
}

// NewProjector refuses a nil writer.
func NewProjector(w ActionWriter) (*Projector, error) {
	if w == nil {
		return nil, errors.New("elastic: nil writer")
	}
	return &Projector{w: w}, nil
}

// Handle projects one event. An error means the read model may lack this event; the
// caller retries (all writes are idempotent) or dead-letters it.
func (p *Projector) Handle(ctx context.Context, e events.Envelope) error {
	actions, err := projections.Actions(e)
	if err != nil {
		return err
	}
	if err := p.w.Write(ctx, actions...); err != nil {
		return fmt.Errorf("project %s v%d of %s: %w", e.Type, e.Version, e.AggregateID, err)
	}
	return nil
}

// HandleBatch projects several events with one Write, for replay: a sequential reader
// then fills whole bulk requests instead of paying a round trip per event. Any error
// fails the whole call; retrying it is safe.
func (p *Projector) HandleBatch(ctx context.Context, evs ...events.Envelope) error {
	var all []projections.Action
	for _, e := range evs {
		actions, err := projections.Actions(e)
		if err != nil {
			return err
		}
		all = append(all, actions...)
	}
	if err := p.w.Write(ctx, all...); err != nil {
		return fmt.Errorf("project %d events: %w", len(evs), err)
	}
	return nil
}

var _ ActionWriter = (*Writer)(nil)
