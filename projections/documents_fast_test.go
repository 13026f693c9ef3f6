package projections

import (
	"fmt"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

var fastPlanInputs = []string{
	`{"objectId":"p","planCostShares":null,"linkedPlanServices":[{"objectId":"s"}]}`,
	`{"objectId":"p","plan_join":"linkedService"}`,
	` {"objectId" : "p", "linkedPlanServices" : [ ] , "x": {"y":[1,{"z":null}]}, "n": null, "b": true, "f": -1.5e+3 } `,
	`{"objectId":"p<&>","name":"caf\u00e9 \"x\"","linkedPlanServices":[{"objectId":"s","linkedService":{"objectId":"l"},"planserviceCostShares":{"objectId":"c"}}]}`,
	`{"objectId":"p","\u0061":1}`, `{"objectId":"p","a":1,"a":2}`, `{"objectId":"é","ü":"\xff"}`,
	`{"objectId":"p","k\u2028":"v","linkedPlanServices":null}`, `{"objectId":"p\u0041"}`, `{"objectId":"p","z":1,"A":2,"_":3}`,
	`{"objectId":"p","linkedPlanServices":[null]}`, `{"objectId":"p","linkedPlanServices":[{"objectId":"p"}]}`,
	`{"objectId":"p","planCostShares":"x"}`, `{"objectId":"p","linkedPlanServices":[{"objectId":"s","linkedService":[]}]}`,
	`{"objectId":"p"} x`, `{"objectId":"p",}`, `{"objectId":01}`, `{"objectId":"p","x":tru}`, `{"objectId":"p","x":"\u12"}`,
}

func describeDocs(docs []Doc, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	out := ""
	for _, d := range docs {
		out += fmt.Sprintf("%s routed %s: %s\n", d.ID, d.Routing, d.Source)
	}
	return out
}

// checkFastPlan fails when the fast path's documents differ from encoding/json's.
func checkFastPlan(t *testing.T, plan []byte) bool {
	t.Helper()
	fast, ok := documentsFast(plan)
	if !ok {
		return false
	}
	if got, want := describeDocs(fast, nil), describeDocs(documentsSlow(plan)); got != want {
		t.Fatalf("%s: fast path gave\n%s\nencoding/json path\n%s", plan, got, want)
	}
	return true
}

func TestDocumentsFastAgreesWithSlow(t *testing.T) {
	if !checkFastPlan(t, exampleplan.JSON()) {
		t.Error("the example plan took the slow path")
	}
	fast := 0
	for _, plan := range fastPlanInputs {
		if checkFastPlan(t, []byte(plan)) {
			fast++
		}
	}
	if fast < 5 {
		t.Errorf("only %d plans took the fast path", fast)
	}
}

// The sources of one plan share a buffer; appending to one must not change another.
func TestDocumentsSourcesAreIndependent(t *testing.T) {
	docs, err := Documents(exampleplan.JSON())
	if err != nil {
		t.Fatal(err)
	}
	second := string(docs[1].Source)
	_ = append(docs[0].Source, "garbage"...)
	if string(docs[1].Source) != second {
		t.Fatal("appending to one source overwrote the next")
	}
}

func FuzzDocumentsFast(f *testing.F) {
	f.Add(exampleplan.JSON())
	for _, plan := range fastPlanInputs {
		f.Add([]byte(plan))
	}
	f.Fuzz(func(t *testing.T, plan []byte) { checkFastPlan(t, plan) })
}
