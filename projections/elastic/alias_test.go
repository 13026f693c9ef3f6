package elastic

import (
	"context"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections"
	"github.com/planstore/planstore/projections/enginetest"
)

// These tests own the alias `plans`, so they run only on a private embedded engine,
// never on a shared cluster.

func TestWritesGoThroughTheAlias(t *testing.T) {
	e := enginetest.Embedded(t)
	ctx := context.Background()
	_, p := newProjector(t, e.Client, WriterConfig{})
	created := event(events.PlanCreated, planID, 1, nil, exampleplan.JSON())

	index, err := EnsureAlias(ctx, e.Client)
	if err != nil || index != InitialIndex {
		t.Fatalf("EnsureAlias: %q, %v", index, err)
	}
	if err := p.Handle(ctx, created); err != nil {
		t.Fatal(err)
	}
	m := &readModel{t: t, client: e.Client, index: projections.Alias}
	if got := m.ids(everything); len(got) != 8 {
		t.Fatalf("%d documents behind the alias, want 8", len(got))
	}
	if err := DeleteIndex(ctx, e.Client, index); err == nil {
		t.Fatal("deleted the index the alias points to")
	}
}

func TestReplayIntoANewIndexThenSwap(t *testing.T) {
	e := enginetest.Embedded(t)
	ctx := context.Background()
	old, err := EnsureAlias(ctx, e.Client)
	if err != nil {
		t.Fatal(err)
	}
	next := "plans-replay-1"
	if err := CreateIndex(ctx, e.Client, next); err != nil {
		t.Fatal(err)
	}
	w, p := newProjector(t, e.Client, WriterConfig{Index: next})
	plan := exampleplan.JSON()
	patched := exampleplan.WithoutSecondService(t, plan)
	if err := p.HandleBatch(ctx,
		event(events.PlanCreated, planID, 1, nil, plan),
		event(events.PlanPatched, planID, 2, plan, patched),
	); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	previous, err := SwapAlias(ctx, e.Client, projections.Alias, next)
	if err != nil || len(previous) != 1 || previous[0] != old {
		t.Fatalf("swap: %v, %v", previous, err)
	}
	if err := DeleteIndex(ctx, e.Client, old); err != nil {
		t.Fatal(err)
	}
	m := &readModel{t: t, client: e.Client, index: projections.Alias}
	if got := m.ids(everything); len(got) != 5 {
		t.Fatalf("%d documents after replay, want 5", len(got))
	}
	if again, err := EnsureAlias(ctx, e.Client); err != nil || again != next {
		t.Fatalf("EnsureAlias after a replay: %q, %v", again, err)
	}
}
