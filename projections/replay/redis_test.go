package replay_test

import (
	"context"
	"testing"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/projections/replay"
	"github.com/planstore/planstore/transport/testenv"
)

// Both event stores are what a replay and a snapshot rebuild need.
var (
	_ replay.SnapshotRebuildStore = (*boltstore.Store)(nil)
	_ replay.SnapshotRebuildStore = (*redisstore.Store)(nil)
)

// redisTestDB is this package's database on the test Redis (flushed by testenv).
const redisTestDB = 11

// A replay reads every partition of the Redis log, several at once, and rebuilds the
// same read model; the snapshot check agrees with the store.
func TestReplayFromRedisPartitions(t *testing.T) {
	ctx := context.Background()
	codec, err := events.NewPlanCodec()
	if err != nil {
		t.Fatal(err)
	}
	store, err := redisstore.New(ctx, testenv.Redis(t, redisTestDB), codec, redisstore.WithPrefix("replaytest:"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	did := newWorkload(t, store).run(t, "plan", 300, 11)
	if store.Partitions() < 2 {
		t.Fatalf("%d partitions: the test needs several", store.Partitions())
	}

	eachBackend(t, func(t *testing.T, b backend) {
		first := projectLive(t, b, store)
		before, docs := answers(t, b), sources(t, b)
		status, err := newReplayer(t, b, store, nil).Run(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if status.PartitionsTotal != store.Partitions() || status.PartitionsDone != store.Partitions() {
			t.Errorf("partitions %d/%d, want %d", status.PartitionsDone, status.PartitionsTotal, store.Partitions())
		}
		if status.EventsRead != int64(did.events) || status.Plans != 300 {
			t.Errorf("read %d events of %d plans, want %d of 300", status.EventsRead, status.Plans, did.events)
		}
		if got := aliasIndices(t, b); len(got) != 1 || got[0] == first {
			t.Errorf("alias points to %v", got)
		}
		assertSameReadModel(t, b, before, docs)
	})

	report, err := replay.CheckSnapshots(ctx, store)
	if err != nil || !report.OK() || report.Plans != 300 || report.Events != int64(did.events) {
		t.Errorf("snapshot check: %+v, %v", report, err)
	}
}
