package replay_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/planstore/planstore/projections/replay"
)

// A replay after thousands of creates, patches, replaces and deletes gives exactly the
// answers (and documents) the live projection gave, from a new index behind the alias.
func TestReplayRebuildsTheSameReadModel(t *testing.T) {
	store, did := storeWithWorkload(t, 1000, 1)
	t.Logf("workload: %+v", did)
	if did.events < 2500 || did.deletes == 0 || did.replaces == 0 {
		t.Fatalf("workload too small to mean anything: %+v", did)
	}
	eachBackend(t, func(t *testing.T, b backend) {
		first := projectLive(t, b, store)
		before, docsBefore := answers(t, b), sources(t, b)

		var reported []replay.Status
		status, err := newReplayer(t, b, store, nil).Run(context.Background(), func(s replay.Status) { reported = append(reported, s) })
		if err != nil {
			t.Fatalf("replay: %v (status %+v)", err, status)
		}
		checkReplayed(t, b, did, status, first, before, docsBefore)
		if len(reported) == 0 || !reported[len(reported)-1].Done() {
			t.Errorf("progress callback did not get the final status: %d calls", len(reported))
		}

		// Every event projected on its own, and plans' events split over many small
		// pages, end in the same read model as merging them per page.
		for name, tune := range map[string]func(*replay.Config){
			"each event":  func(c *replay.Config) { c.EachEvent = true },
			"small pages": func(c *replay.Config) { c.PageSize = 7 },
		} {
			from := status.IndexTo
			if status, err = newReplayer(t, b, store, tune).Run(context.Background(), nil); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			checkReplayed(t, b, did, status, from, before, docsBefore)
		}
	})
}

// checkReplayed compares the read model after a replay with the one before, and the
// replay's counts with the workload's.
func checkReplayed(t *testing.T, b backend, did counts, status replay.Status, first string,
	before map[string][]string, docsBefore map[string]string) {
	t.Helper()
	if got := answers(t, b); !maps.EqualFunc(got, before, slices.Equal) {
		for name := range before {
			if !slices.Equal(got[name], before[name]) {
				t.Errorf("query %q: %d ids after the replay, %d before", name, len(got[name]), len(before[name]))
			}
		}
	}
	if got := sources(t, b); !maps.Equal(got, docsBefore) {
		t.Errorf("documents differ: %d after the replay, %d before", len(got), len(docsBefore))
	}
	if status.State != replay.StateDone || status.Error != "" || status.FinishedAt == nil {
		t.Errorf("status %+v, want done", status)
	}
	if status.EventsRead != int64(did.events) || status.Plans != 1000 {
		t.Errorf("read %d events of %d plans, want %d of 1000", status.EventsRead, status.Plans, did.events)
	}
	if status.DocumentsWritten < int64(len(docsBefore)) || status.PartitionsDone != status.PartitionsTotal {
		t.Errorf("status %+v: documents or partitions short", status)
	}
	if status.IndexFrom != first || status.IndexTo == first || status.IndexTo == "" {
		t.Errorf("moved from %q to %q, want from %q to a new index", status.IndexFrom, status.IndexTo, first)
	}
	if got := aliasIndices(t, b); !slices.Equal(got, []string{status.IndexTo}) {
		t.Errorf("alias points to %v, want [%s]", got, status.IndexTo)
	}
	if indexExists(t, b, first) {
		t.Errorf("old index %s still exists", first)
	}
}

// A second replay while one runs is refused with ErrReplayRunning, by the same
// Replayer (its mutex) and by another one sharing the cluster (the lock document).
func TestSecondReplayIsRefused(t *testing.T) {
	store, _ := storeWithWorkload(t, 50, 2)
	eachBackend(t, func(t *testing.T, b backend) {
		projectLive(t, b, store)
		first, gate, id := startGated(t, b, store, nil)

		if _, err := first.Start(context.Background()); !errors.Is(err, replay.ErrReplayRunning) {
			t.Errorf("second Start on the same Replayer: %v, want ErrReplayRunning", err)
		}
		other := newReplayer(t, b, store, nil)
		_, err := other.Run(context.Background(), nil)
		var held *replay.LockHeldError
		if !errors.Is(err, replay.ErrReplayRunning) || !errors.As(err, &held) || held.Holder.JobID != id {
			t.Errorf("Run in another process: %v, want the lock held by job %s", err, id)
		}

		close(gate.release)
		status := waitDone(t, first, id)
		if status.State != replay.StateDone {
			t.Fatalf("first replay: %+v", status)
		}
		// The lock is free again.
		if _, err := other.Run(context.Background(), nil); err != nil {
			t.Errorf("replay after the first ended: %v", err)
		}
	})
}
