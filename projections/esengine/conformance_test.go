package esengine_test

import (
	"testing"

	"github.com/planstore/planstore/projections/dsltest"
	"github.com/planstore/planstore/projections/esengine"
)

// TestConformance runs the DSL and document API conformance suite, which also runs
// against a real cluster, through the go-elasticsearch client backed by the engine.
func TestConformance(t *testing.T) {
	client, err := esengine.NewClient(esengine.New())
	if err != nil {
		t.Fatal(err)
	}
	dsltest.Run(t, client)
}
