package app_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

func TestAuditTrailRecordsEveryEvent(t *testing.T) {
	c := servedClient(t)
	doc := exampleplan.JSON()
	created := c.do(http.MethodPost, "/v1/plans", doc, "X-Correlation-ID", "audit-create")
	expectStatus(t, created, http.StatusCreated)
	expectStatus(t, c.do(http.MethodPatch, "/v1/plans/"+planID, []byte(`{"planType":"x"}`), "X-Correlation-ID", "audit-patch"), http.StatusOK)

	var entries []struct {
		Type          string `json:"type"`
		Version       int64  `json:"version"`
		Actor         string `json:"actor"`
		CorrelationID string `json:"correlation_id"`
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(entries) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("audit trail incomplete: %+v", entries)
		}
		r := c.do(http.MethodGet, "/v1/plans/"+planID+"/audit", nil)
		if r.status == http.StatusOK {
			if err := json.Unmarshal(r.body, &entries); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if entries[0].Type != "plan.created" || entries[0].CorrelationID != "audit-create" || entries[0].Actor != "tester" ||
		entries[1].Type != "plan.patched" || entries[1].Version != 2 || entries[1].CorrelationID != "audit-patch" {
		t.Fatalf("audit trail: %+v", entries)
	}
	expectProblem(t, c.do(http.MethodGet, "/v1/plans/unknown/audit", nil), http.StatusNotFound)
}
