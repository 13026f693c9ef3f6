package testenv

import (
	"testing"

	"github.com/planstore/planstore/events/boltstore"
)

// BoltStore is an embedded event store of the test's own, in a temporary directory, with
// the plan codec; it is closed when the test ends (after anything registered later, such
// as the routers reading it).
func BoltStore(tb testing.TB) *boltstore.Store {
	tb.Helper()
	store, err := boltstore.Open(tb.TempDir(), PlanCodec(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = store.Close() })
	return store
}
