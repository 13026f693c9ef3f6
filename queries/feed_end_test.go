package queries_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/testenv"
)

// onlyLog hides every capability of a store but its global log, so the feed takes the
// path of a store that cannot say where its log ends: reading it through.
type onlyLog struct{ events.GlobalLog }

// The end a store reports in one read per partition must be the cursor reading the whole
// feed reaches: a webhook subscription "from now" and gRPC's from_now start there, and
// following from it must yield exactly the events committed afterwards.
func TestFeedEndFromTheStoreEqualsReadingThrough(t *testing.T) {
	codec, err := events.NewPlanCodec()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("embedded", func(t *testing.T) {
		feedEndEqualsReadingThrough(t, testenv.BoltStore(t))
	})
	t.Run("redis", func(t *testing.T) { // 16 partitions, most of them empty at first
		store, err := redisstore.New(context.Background(), testenv.Redis(t, redisDBFeedEnd), codec, redisstore.WithPrefix("feedend:"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = store.Close() })
		feedEndEqualsReadingThrough(t, store)
	})
}

// redisDBFeedEnd is this package's Redis database (transport/testenv/databases.go).
const redisDBFeedEnd = 4

type appendingLog interface {
	events.GlobalLog
	Append(ctx context.Context, c events.Commit) error
}

func feedEndEqualsReadingThrough(t *testing.T, store appendingLog) {
	ctx := context.Background()
	fast, err := queries.NewFeed(store)
	if err != nil {
		t.Fatal(err)
	}
	slow, err := queries.NewFeed(onlyLog{store})
	if err != nil {
		t.Fatal(err)
	}
	for round, plans := range []int{0, 1, 40} {
		for i := range plans {
			appendCreated(t, store, fmt.Sprintf("end-%d-%d", round, i), "example.com")
		}
		want, err := slow.End(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fast.End(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("after %d more plans: the store's end %q, reading through %q", plans, got, want)
		}
	}
	end, err := fast.End(ctx)
	if err != nil {
		t.Fatal(err)
	}
	appendCreated(t, store, "after-the-end", "example.com")
	page, err := fast.Read(tenancy.WithAccess(ctx, tenancy.Operator("example.com")), queries.FeedRequest{After: end, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].Event.AggregateID != "after-the-end" {
		t.Fatalf("from the end: %+v, want only the plan committed afterwards", page.Items)
	}
}
