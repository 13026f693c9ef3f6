package replay

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/planstore/planstore/events"
)

// SnapshotWriter is the store method RebuildSnapshots needs.
type SnapshotWriter interface {
	// PutSnapshot overwrites the aggregate's snapshot with snap, atomically checking
	// that the aggregate's last stored event is at snap.Version; otherwise it changes
	// nothing and fails with events.ErrVersionConflict. The check is what keeps a
	// rebuild racing a live write from putting an older state back.
	PutSnapshot(ctx context.Context, snap events.Snapshot) error
}

// SnapshotRebuildStore is what RebuildSnapshots reads and writes.
type SnapshotRebuildStore interface {
	SnapshotStore
	Events(ctx context.Context, aggregateID string) ([]events.Envelope, error)
	SnapshotWriter
}

// RebuildSnapshots checks every snapshot against the log (as CheckSnapshots) and
// rewrites each one that disagrees from the plan's last event. Plans whose log has a
// gap are reported and left alone: no snapshot can be derived from a damaged log. The
// report lists what was found before the repair; Rebuilt counts the repairs.
func RebuildSnapshots(ctx context.Context, store SnapshotRebuildStore) (Report, error) {
	var rebuilt, skipped atomic.Int64
	report, err := checkSnapshots(ctx, store, func(p SnapshotProblem) error {
		if p.Kind == ProblemLogGap {
			return nil
		}
		done, err := rebuildSnapshot(ctx, store, p.PlanID)
		if err != nil {
			return err
		}
		if done {
			rebuilt.Add(1)
		} else {
			skipped.Add(1)
		}
		return nil
	})
	report.Rebuilt, report.Skipped = rebuilt.Load(), skipped.Load()
	return report, err
}

// rebuildSnapshot derives a plan's snapshot from its last event and stores it; false
// when a live write moved the plan on in between (its own snapshot is then current).
func rebuildSnapshot(ctx context.Context, store SnapshotRebuildStore, planID string) (bool, error) {
	evs, err := store.Events(ctx, planID)
	if err != nil {
		return false, fmt.Errorf("replay: rebuild snapshot of %s: %w", planID, err)
	}
	last := evs[len(evs)-1]
	snap := events.Snapshot{AggregateID: planID, Version: last.Version, Deleted: last.Type == events.PlanDeleted}
	if !snap.Deleted {
		snap.Document = last.Data.After
	}
	err = store.PutSnapshot(ctx, snap)
	if errors.Is(err, events.ErrVersionConflict) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("replay: rebuild snapshot of %s at version %d: %w", planID, snap.Version, err)
	}
	return true, nil
}
