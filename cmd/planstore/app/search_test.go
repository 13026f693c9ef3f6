package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/projections/enginetest"
)

// search runs a search and decodes its answer, which must be a 200.
func (c *client) search(query string) (enginetest.Answer, response) {
	c.t.Helper()
	r := c.do(http.MethodPost, "/v1/search", []byte(query))
	expectStatus(c.t, r, http.StatusOK)
	a, err := enginetest.DecodeAnswer(r.body)
	if err != nil {
		c.t.Fatalf("search answer: %v: %s", err, r.body)
	}
	return a, r
}

// searchIDs runs a search and returns the sorted _ids of its hits.
func (c *client) searchIDs(query string) []string {
	c.t.Helper()
	a, _ := c.search(query)
	return a.IDs()
}

// eventually polls until the search answers want. The read model is eventually
// consistent; the deadline only guards against a hang and asserts no speed.
func (c *client) eventually(query string, want ...string) {
	c.t.Helper()
	sort.Strings(want)
	c.pollSearch(query, fmt.Sprintf("the hits %v", want), func(a enginetest.Answer) bool {
		return slices.Equal(a.IDs(), want)
	})
}

// eventuallyTotal polls until the search's total is want.
func (c *client) eventuallyTotal(query string, want int) {
	c.t.Helper()
	c.pollSearch(query, fmt.Sprintf("a total of %d", want), func(a enginetest.Answer) bool {
		return a.Hits.Total.Value == want
	})
}

// pollSearch runs the search until done accepts its answer.
func (c *client) pollSearch(query, want string, done func(enginetest.Answer) bool) {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		a, r := c.search(query)
		if done(a) {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("search %s: want %s, last answer: %s", query, want, r.body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const (
	planID            = "12xvxc345ssdsds-508"
	childrenOfPlan    = `{"query":{"parent_id":{"type":"planCostShare","id":"12xvxc345ssdsds-508"}}}`
	servicesOfPlan    = `{"query":{"has_parent":{"parent_type":"plan","query":{"term":{"_id":"12xvxc345ssdsds-508"}}}},"size":100}`
	plansWithCopay    = `{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}}`
	plansWithBigCopay = `{"query":{"has_child":{"type":"linkedPlanService","query":{"has_child":{"type":"planserviceCostShare","query":{"range":{"copay":{"gt":100}}}}}}}}`
	serviceCostShares = `{"query":{"has_parent":{"parent_type":"linkedPlanService","query":{"term":{"_id":"27283xvx9sdf-507"}}}}}`
)

func TestSearchFollowsWrites(t *testing.T) {
	c := servedClient(t)
	doc := exampleplan.JSON()
	etag := c.do(http.MethodPost, "/v1/plans", doc).header.Get("ETag")

	c.eventually(plansWithCopay, planID)
	c.eventually(childrenOfPlan, "1234vxc2324sdf-501")
	c.eventually(servicesOfPlan, "1234vxc2324sdf-501", "27283xvx9asdff-504", "27283xvx9sdf-507")
	c.eventually(plansWithBigCopay, planID)
	c.eventually(serviceCostShares, "1234512xvc1314sdfsd-506", "1234520xvc30sfs-505")

	// The patch lowers the well-baby copay: the nested join no longer matches.
	patch := []byte(`{"linkedPlanServices":[{"objectId":"27283xvx9sdf-507","planserviceCostShares":{"copay":50}}]}`)
	r := c.do(http.MethodPatch, "/v1/plans/"+planID, patch, "If-Match", etag)
	expectStatus(t, r, http.StatusOK)
	c.eventually(plansWithBigCopay)

	// A replace that drops a linked plan service removes its three documents.
	var plan map[string]any
	_ = json.Unmarshal(r.body, &plan)
	plan["linkedPlanServices"] = plan["linkedPlanServices"].([]any)[:1]
	body, _ := json.Marshal(plan)
	r = c.do(http.MethodPut, "/v1/plans/"+planID, body, "If-Match", r.header.Get("ETag"))
	expectStatus(t, r, http.StatusOK)
	c.eventually(servicesOfPlan, "1234vxc2324sdf-501", "27283xvx9asdff-504")
	c.eventually(`{"query":{"ids":{"values":["27283xvx9sdf-507","1234520xvc30sfs-505","1234512xvc1314sdfsd-506"]}}}`)

	expectStatus(t, c.do(http.MethodDelete, "/v1/plans/"+planID, nil), http.StatusNoContent)
	c.eventually(`{"query":{"match_all":{}}}`)
}

func TestSearchSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	m := startServe(t, dir)
	c := newClient(t, m, dir)
	expectStatus(t, c.do(http.MethodPost, "/v1/plans", exampleplan.JSON()), http.StatusCreated)
	c.eventually(plansWithCopay, planID)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	c2 := newClient(t, startServe(t, dir), dir)
	c2.eventually(plansWithCopay, planID)
	c2.eventually(servicesOfPlan, "1234vxc2324sdf-501", "27283xvx9asdff-504", "27283xvx9sdf-507")
}

func TestSearchRefusals(t *testing.T) {
	c := servedClient(t)
	for name, body := range map[string]string{
		"script query":      `{"query":{"script":{"script":"1"}}}`,
		"unsupported query": `{"query":{"wildcard":{"name":"x*"}}}`,
		"other index":       `{"index":"secrets","query":{"match_all":{}}}`,
		"window too large":  `{"from":9999,"size":2}`,
		"malformed":         `{"query":`,
		"aggregations":      `{"aggs":{"x":{"terms":{"field":"_org"}}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			expectProblem(t, c.do(http.MethodPost, "/v1/search", []byte(body)), http.StatusBadRequest)
		})
	}
	// Kibana's console sends GET with a body; an empty body searches everything.
	expectStatus(t, c.do(http.MethodGet, "/v1/search", []byte(`{"query":{"match_all":{}}}`)), http.StatusOK)
	expectStatus(t, c.do(http.MethodGet, "/v1/search", nil), http.StatusOK)
}
