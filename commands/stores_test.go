package commands_test

import (
	"context"
	"testing"

	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/redisstore"
	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/testenv"
)

// redisTestDB is this package's database on the test Redis.
const redisTestDB = 9

// eachStore runs test on the embedded store and on Redis.
func eachStore(t *testing.T, test func(t *testing.T, store commands.EventStore)) {
	for name, open := range map[string]func(t *testing.T) commands.EventStore{
		"embedded": func(t *testing.T) commands.EventStore { return testenv.BoltStore(t) },
		"redis": func(t *testing.T) commands.EventStore {
			store, err := redisstore.New(context.Background(), testenv.Redis(t, redisTestDB), testenv.PlanCodec(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = store.Close() })
			return store
		},
	} {
		t.Run(name, func(t *testing.T) { test(t, open(t)) })
	}
}

// planHandlers are the command handlers on store, and a context whose caller may write
// the example plan's organisation.
func planHandlers(t *testing.T, store commands.EventStore) (context.Context, *commands.PlanHandlers) {
	t.Helper()
	h, err := commands.NewPlanHandlers(store)
	if err != nil {
		t.Fatal(err)
	}
	return tenancy.WithAccess(context.Background(), tenancy.ForOrgs("example.com", "example.com")), h
}

// historyStore is a store that also serves an aggregate's events (both adapters do;
// commands.EventStore does not need to).
type historyStore interface {
	commands.EventStore
	Events(ctx context.Context, aggregateID string) ([]events.Envelope, error)
}

// checkHistoryLength checks that the plan's history holds want events, where the store
// serves histories.
func checkHistoryLength(t *testing.T, store commands.EventStore, planID string, want int) {
	t.Helper()
	hs, ok := store.(historyStore)
	if !ok {
		return
	}
	history, err := hs.Events(context.Background(), planID)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != want {
		t.Errorf("%d events of plan %s, want %d", len(history), planID, want)
	}
}
