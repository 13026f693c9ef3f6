package replay_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections/replay"
)

// CheckSnapshots finds every snapshot that disagrees with the log, and
// RebuildSnapshots puts them right from the log.
func TestCheckAndRebuildSnapshots(t *testing.T) {
	ctx := context.Background()
	store, did := storeWithWorkload(t, 200, 9)

	report, err := replay.CheckSnapshots(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if !report.OK() || report.Plans != 200 || report.Events != int64(did.events) {
		t.Fatalf("healthy store: %+v, want 200 plans, %d events, no mismatch", report, did.events)
	}

	live, deleted := findPlans(t, store)
	// Damage: a document that is not the last event's, and a live plan shown deleted.
	snap, err := store.Load(ctx, live[0])
	if err != nil {
		t.Fatal(err)
	}
	wrong := json.RawMessage(fmt.Sprintf(`{"objectId":%q,"objectType":"plan"}`, live[0]))
	if err := store.PutSnapshot(ctx, events.Snapshot{AggregateID: live[0], Version: snap.Version, Document: wrong}); err != nil {
		t.Fatal(err)
	}
	snap, err = store.Load(ctx, live[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PutSnapshot(ctx, events.Snapshot{AggregateID: live[1], Version: snap.Version, Deleted: true}); err != nil {
		t.Fatal(err)
	}
	// And, through a view of the store, a missing snapshot and one at another version.
	view := &damagedView{SnapshotStore: store, missing: deleted[0], behind: live[2]}

	report, err = replay.CheckSnapshots(ctx, view)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]replay.ProblemKind{}
	for _, p := range report.Problems {
		got[p.PlanID] = p.Kind
	}
	want := map[string]replay.ProblemKind{
		live[0]: replay.ProblemDocument, live[1]: replay.ProblemDeleted,
		deleted[0]: replay.ProblemMissing, live[2]: replay.ProblemVersion,
	}
	if report.Mismatches != 4 || len(got) != 4 {
		t.Fatalf("problems %v, want %v", got, want)
	}
	for id, kind := range want {
		if got[id] != kind {
			t.Errorf("plan %s: %q, want %q", id, got[id], kind)
		}
	}

	rebuilt, err := replay.RebuildSnapshots(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if rebuilt.Mismatches != 2 || rebuilt.Rebuilt != 2 {
		t.Errorf("rebuild: %+v, want the 2 damaged snapshots rewritten", rebuilt)
	}
	if report, err := replay.CheckSnapshots(ctx, store); err != nil || !report.OK() {
		t.Errorf("after the rebuild: %+v, %v", report, err)
	}
}

// findPlans lists, in id order, plans whose last event left them live, and deleted.
func findPlans(t testing.TB, store interface {
	Load(context.Context, string) (events.Snapshot, error)
}) (live, deleted []string) {
	t.Helper()
	for i := range 200 {
		id := fmt.Sprintf("plan-%05d", i)
		snap, err := store.Load(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Deleted {
			deleted = append(deleted, id)
		} else {
			live = append(live, id)
		}
	}
	if len(live) < 3 || len(deleted) < 1 {
		t.Fatalf("%d live and %d deleted plans: the workload changed", len(live), len(deleted))
	}
	slices.Sort(live)
	return live, deleted
}

// damagedView shows a store whose snapshot of one plan is lost and of another is a
// version behind: damage PutSnapshot's own checks would refuse to write.
type damagedView struct {
	replay.SnapshotStore
	missing, behind string
}

func (v *damagedView) Load(ctx context.Context, id string) (events.Snapshot, error) {
	snap, err := v.SnapshotStore.Load(ctx, id)
	switch id {
	case v.missing:
		return events.Snapshot{}, fmt.Errorf("view: %w", events.ErrNotFound)
	case v.behind:
		snap.Version--
	}
	return snap, err
}
