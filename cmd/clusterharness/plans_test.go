package main

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/planstore/planstore/projections"
)

// The verifier derives a plan's expected read-model documents from the plan itself, so
// every generated plan must project, and every object must carry the plan's id.
func TestGeneratedPlansProjectWithTheirIDs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		id := "run-w0-" + string(rune('a'+i%26))
		docs, err := projections.Documents(newPlan(r, "org", id))
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) < 5 || len(docs) > 11 {
			t.Fatalf("%d documents, want 2 + 3 per service (1 to 3 services)", len(docs))
		}
		for _, d := range docs {
			if !strings.HasPrefix(d.ID, id) || d.Routing != id {
				t.Fatalf("document %s routed %s does not belong to plan %s", d.ID, d.Routing, id)
			}
		}
	}
}
