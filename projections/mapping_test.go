package projections

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/planstore/planstore/projections/dsltest"
)

// The conformance suite brings its own mapping so the engine knows nothing of plans;
// this keeps that mapping the read model's, so the suite checks what planstore runs.
func TestIndexBodyIsTheConformanceSuites(t *testing.T) {
	var ours, suites any
	if err := json.Unmarshal([]byte(IndexBody), &ours); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(dsltest.IndexBody), &suites); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ours, suites) {
		t.Fatalf("IndexBody and dsltest.IndexBody differ:\n%v\n%v", ours, suites)
	}
}
