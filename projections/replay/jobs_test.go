package replay_test

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"testing"

	"github.com/planstore/planstore/projections/replay"
	"github.com/planstore/planstore/transport/httpapi"
	"github.com/planstore/planstore/transport/testenv"
)

// The admin API drives replays through its own interface; the Replayer is one.
var _ httpapi.Replayer = (*replay.Replayer)(nil)

// Start returns at once with a job id, even when the caller's context (an HTTP
// request's) ends right after; Status follows the job to its end and serves the JSON
// the admin API promises.
func TestStartRunsInTheBackground(t *testing.T) {
	store, did := storeWithWorkload(t, 100, 8)
	eachBackend(t, func(t *testing.T, b backend) {
		projectLive(t, b, store)
		gate := newGatedLog(store)
		r := newReplayer(t, b, gate, nil)
		request, endRequest := context.WithCancel(context.Background())
		id, err := r.Start(request)
		if err != nil {
			t.Fatal(err)
		}
		endRequest()

		running, done, found := r.Status(id)
		if !found || done || running.(replay.Status).State != replay.StateRunning {
			t.Fatalf("status right after Start: %+v done=%v found=%v", running, done, found)
		}
		close(gate.release)
		status := waitDone(t, r, id)
		if status.State != replay.StateDone || status.EventsRead != int64(did.events) {
			t.Fatalf("job ended %+v, want done with %d events", status, did.events)
		}

		raw, _, _ := r.Status(id)
		b1, err := json.Marshal(raw)
		if err != nil {
			t.Fatal(err)
		}
		var fields map[string]any
		if err := json.Unmarshal(b1, &fields); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"id", "state", "started_at", "finished_at", "events_read", "documents_written", "plans",
			"partitions_done", "partitions_total", "rate_per_second", "eta_seconds", "index_from", "index_to"} {
			if _, ok := fields[key]; !ok {
				t.Errorf("status JSON lacks %q: %s", key, b1)
			}
		}
		if fields["state"] != "done" || fields["id"] != id {
			t.Errorf("status JSON %s", b1)
		}

		if _, _, found := r.Status("no-such-job"); found {
			t.Error("an unknown job was found")
		}
	})
}

// Finished jobs are kept up to KeepJobs, the oldest forgotten first.
func TestFinishedJobsAreForgottenOldestFirst(t *testing.T) {
	store := testenv.BoltStore(t)
	b := backends(t)[0]
	projectLive(t, b, store)
	r := newReplayer(t, b, store, func(c *replay.Config) { c.KeepJobs = 2 })
	var ids []string
	for range 3 {
		id, err := r.Start(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		waitDone(t, r, id)
		ids = append(ids, id)
	}
	var known []string
	for _, id := range ids {
		if _, _, found := r.Status(id); found {
			known = append(known, id)
		}
	}
	sort.Strings(known)
	if want := ids[1:]; !slices.Equal(known, want) {
		t.Errorf("known jobs %v, want the last two %v", known, want)
	}
}
