package outbox_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/storetest"
)

type appender interface {
	Append(ctx context.Context, c events.Commit) error
}

// appendHistory commits plans plans with versions versions each to a real store, as
// the command side does (create, then replaces), and returns the events committed.
func appendHistory(t testing.TB, store appender, prefix string, plans, versions int) []events.Envelope {
	t.Helper()
	var out []events.Envelope
	for v := 1; v <= versions; v++ {
		for p := range plans {
			c := commitFor(prefix, p, v)
			if err := store.Append(context.Background(), c); err != nil {
				t.Fatalf("append %s v%d: %v", c.AggregateID, v, err)
			}
			out = append(out, c.Events...)
		}
	}
	return out
}

// commitFor is version v of plan p: a create for v1, a replace after.
func commitFor(prefix string, p, v int) events.Commit {
	id := prefix + "-" + strconv.Itoa(p)
	if v == 1 {
		return storetest.CreateCommit(storetest.NewPlan(id, 1))
	}
	return storetest.ReplaceCommit(storetest.NewPlan(id, v-1), storetest.NewPlan(id, v), int64(v-1))
}
