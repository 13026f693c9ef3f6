package elastic

import (
	"context"
	"errors"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections"
)

// recordingWriter remembers every Write.
type recordingWriter struct {
	calls [][]projections.Action
	err   error
}

func (r *recordingWriter) Write(_ context.Context, actions ...projections.Action) error {
	r.calls = append(r.calls, actions)
	return r.err
}

func TestProjectorHandle(t *testing.T) {
	w := &recordingWriter{}
	p, err := NewProjector(w)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Handle(context.Background(), event(events.PlanCreated, planID, 1, nil, exampleplan.JSON())); err != nil {
		t.Fatal(err)
	}
	if len(w.calls) != 1 || len(w.calls[0]) != 8 {
		t.Fatalf("writes %v", w.calls)
	}
}

func TestProjectorDoesNotWriteInvalidEvents(t *testing.T) {
	w := &recordingWriter{}
	p, err := NewProjector(w)
	if err != nil {
		t.Fatal(err)
	}
	err = p.Handle(context.Background(), event(events.PlanCreated, planID, 1, nil, []byte(`{"objectId":1}`)))
	if !errors.Is(err, projections.ErrInvalidEvent) {
		t.Fatalf("got %v, want ErrInvalidEvent", err)
	}
	if len(w.calls) != 0 {
		t.Fatal("an invalid event was written")
	}
}

func TestProjectorReportsWriteFailures(t *testing.T) {
	failure := &ItemError{Op: projections.OpIndex, ID: "x", Status: 429, Type: "es_rejected_execution_exception"}
	p, err := NewProjector(&recordingWriter{err: failure})
	if err != nil {
		t.Fatal(err)
	}
	err = p.Handle(context.Background(), event(events.PlanCreated, planID, 1, nil, exampleplan.JSON()))
	var item *ItemError
	if !errors.As(err, &item) || !item.Retryable() {
		t.Fatalf("got %v, want a retryable *ItemError", err)
	}
	if (&ItemError{Status: 400}).Retryable() {
		t.Fatal("a mapping refusal called retryable")
	}
}

func TestProjectorHandleBatchWritesOnce(t *testing.T) {
	w := &recordingWriter{}
	p, err := NewProjector(w)
	if err != nil {
		t.Fatal(err)
	}
	plan := exampleplan.JSON()
	err = p.HandleBatch(context.Background(),
		event(events.PlanCreated, planID, 1, nil, plan),
		event(events.PlanDeleted, planID, 2, plan, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.calls) != 1 || len(w.calls[0]) != 16 {
		t.Fatalf("writes %d", len(w.calls))
	}
	if _, err := NewProjector(nil); err == nil {
		t.Fatal("accepted a nil writer")
	}
}
