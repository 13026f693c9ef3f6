package search

import (
	"testing"

	"github.com/planstore/planstore/projections/esengine"
)

// embeddedEngine is a fresh in-process engine of package esengine, private to the test.
func embeddedEngine(t testing.TB) (engine, bool) {
	t.Helper()
	c, err := esengine.NewClient(esengine.New())
	if err != nil {
		t.Fatal(err)
	}
	return engine{name: "embedded", client: c, embedded: true}, true
}
