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
	return BoltStoreIn(tb, tb.TempDir())
}

// BoltStoreIn is BoltStore in the data dir dir, for a test that keeps other stores
// beside it as planstore does (import jobs, idempotency keys).
func BoltStoreIn(tb testing.TB, dir string) *boltstore.Store {
	tb.Helper()
	store, err := boltstore.Open(dir, PlanCodec(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = store.Close() })
	return store
}
