package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/transport/auth"
)

func TestPlanLifecycle(t *testing.T) {
	c := servedClient(t)
	doc := exampleplan.JSON()
	id := objectID(t, doc)

	created := c.do(http.MethodPost, "/v1/plans", doc)
	expectStatus(t, created, http.StatusCreated)
	if loc := created.header.Get("Location"); loc != "/v1/plans/"+id {
		t.Fatalf("Location %q", loc)
	}
	etag1 := created.header.Get("ETag")
	if etag1 == "" || !strings.HasPrefix(etag1, `"`) {
		t.Fatalf("ETag %q is not a strong ETag", etag1)
	}

	got := c.do(http.MethodGet, "/v1/plans/"+id, nil)
	expectStatus(t, got, http.StatusOK)
	if got.header.Get("ETag") != etag1 {
		t.Fatalf("GET ETag %q, want %q", got.header.Get("ETag"), etag1)
	}
	if !jsonEqual(t, got.body, doc) {
		t.Fatalf("GET body differs from what was posted:\n%s", got.body)
	}
	expectStatus(t, c.do(http.MethodGet, "/v1/plans/"+id, nil, "If-None-Match", etag1), http.StatusNotModified)
	expectStatus(t, c.do(http.MethodGet, "/v1/plans/"+id, nil, "If-None-Match", `"999"`), http.StatusOK)

	patch := []byte(`{"planType":"outOfNetwork","linkedPlanServices":[{"objectId":"27283xvx9asdff-504","planserviceCostShares":{"copay":5}}]}`)
	patched := c.do(http.MethodPatch, "/v1/plans/"+id, patch, "Content-Type", "application/merge-patch+json", "If-Match", etag1)
	expectStatus(t, patched, http.StatusOK)
	etag2 := patched.header.Get("ETag")
	if etag2 == etag1 {
		t.Fatal("ETag did not change on patch")
	}
	var after map[string]any
	_ = json.Unmarshal(patched.body, &after)
	lps := after["linkedPlanServices"].([]any)
	if after["planType"] != "outOfNetwork" || len(lps) != 2 ||
		lps[0].(map[string]any)["planserviceCostShares"].(map[string]any)["copay"].(float64) != 5 {
		t.Fatalf("patch not applied as an objectId merge: %s", patched.body)
	}

	expectProblem(t, c.do(http.MethodPut, "/v1/plans/"+id, doc, "If-Match", etag1), http.StatusPreconditionFailed)
	replaced := c.do(http.MethodPut, "/v1/plans/"+id, doc, "If-Match", etag2)
	expectStatus(t, replaced, http.StatusOK)
	etag3 := replaced.header.Get("ETag")

	expectProblem(t, c.do(http.MethodDelete, "/v1/plans/"+id, nil, "If-Match", etag2), http.StatusPreconditionFailed)
	expectStatus(t, c.do(http.MethodDelete, "/v1/plans/"+id, nil, "If-Match", etag3), http.StatusNoContent)
	expectProblem(t, c.do(http.MethodGet, "/v1/plans/"+id, nil), http.StatusNotFound)
	expectProblem(t, c.do(http.MethodDelete, "/v1/plans/"+id, nil), http.StatusNotFound)

	history := c.do(http.MethodGet, "/v1/plans/"+id+"/events", nil)
	expectStatus(t, history, http.StatusOK)
	var evs []map[string]any
	if err := json.Unmarshal(history.body, &evs); err != nil {
		t.Fatal(err)
	}
	wantTypes := []string{"plan.created", "plan.patched", "plan.replaced", "plan.deleted"}
	if len(evs) != len(wantTypes) {
		t.Fatalf("%d events, want %d: %s", len(evs), len(wantTypes), history.body)
	}
	for i, e := range evs {
		if e["type"] != wantTypes[i] || e["version"].(float64) != float64(i+1) || e["actor"] != "tester" {
			t.Fatalf("event %d: %v", i, e)
		}
		data := e["data"].(map[string]any)
		if (i == 0) != (data["before"] == nil) || (i == 3) != (data["after"] == nil) {
			t.Fatalf("event %d before/after: %v", i, data)
		}
	}
	if evs[1]["data"].(map[string]any)["patch"] == nil {
		t.Fatal("plan.patched lacks its patch")
	}

	// A deleted plan can be created again; its version continues, so ETags never repeat.
	again := c.do(http.MethodPost, "/v1/plans", doc)
	expectStatus(t, again, http.StatusCreated)
	if e := again.header.Get("ETag"); e == etag1 || e == etag2 || e == etag3 {
		t.Fatalf("re-created plan reuses an old ETag %s", e)
	}
}

func TestCreateRefusals(t *testing.T) {
	c := servedClient(t)
	doc := exampleplan.JSON()
	expectStatus(t, c.do(http.MethodPost, "/v1/plans", doc), http.StatusCreated)

	t.Run("objectId taken by the same plan", func(t *testing.T) {
		expectProblem(t, c.do(http.MethodPost, "/v1/plans", doc), http.StatusConflict)
	})
	t.Run("child objectId owned by another plan", func(t *testing.T) {
		other := bytes.Replace(doc, []byte(`"12xvxc345ssdsds-508"`), []byte(`"another-plan-1"`), 1)
		p := expectProblem(t, c.do(http.MethodPost, "/v1/plans", other), http.StatusConflict)
		if !strings.Contains(fmt.Sprint(p["detail"]), "1234vxc2324sdf-501") {
			t.Fatalf("detail does not name the objectId: %v", p)
		}
		expectProblem(t, c.do(http.MethodGet, "/v1/plans/another-plan-1", nil), http.StatusNotFound)
	})
	t.Run("not JSON", func(t *testing.T) {
		expectProblem(t, c.do(http.MethodPost, "/v1/plans", doc, "Content-Type", "text/plain"), http.StatusUnsupportedMediaType)
		expectProblem(t, c.do(http.MethodPost, "/v1/plans", doc, "Content-Type", ""), http.StatusUnsupportedMediaType)
	})
	t.Run("too large", func(t *testing.T) {
		big := append([]byte(`{"pad":"`), bytes.Repeat([]byte("x"), 2<<20)...)
		expectProblem(t, c.do(http.MethodPost, "/v1/plans", append(big, '"', '}')), http.StatusRequestEntityTooLarge)
	})
	t.Run("empty body", func(t *testing.T) {
		expectProblem(t, c.do(http.MethodPost, "/v1/plans", []byte{}), http.StatusBadRequest)
	})
	for name, tc := range map[string]struct {
		body string
		path string
	}{
		"malformed JSON":        {`{"objectId":`, ""},
		"not an object":         {`[1,2]`, ""},
		"missing planType":      {strings.Replace(string(planWithIDs(t, "m")), `,"planType":"inNetwork"`, ``, 1), "planType"},
		"negative copay":        {strings.Replace(string(planWithIDs(t, "n")), `"copay":175`, `"copay":-1`, 1), "linkedPlanServices[1].planserviceCostShares.copay"},
		"copay as a string":     {strings.Replace(string(planWithIDs(t, "s")), `"copay":23`, `"copay":"23"`, 1), "planCostShares.copay"},
		"unknown field":         {strings.Replace(string(planWithIDs(t, "u")), `"planType":"inNetwork"`, `"planType":"inNetwork","color":"red"`, 1), "color"},
		"wrong objectType":      {strings.Replace(string(planWithIDs(t, "w")), `"objectType":"service"`, `"objectType":"membercostshare"`, 1), "linkedPlanServices[0].linkedService.objectType"},
		"duplicate objectId":    {strings.Replace(string(planWithIDs(t, "d")), `1234520xvc30sfs-505-d`, `1234520xvc30asdf-502-d`, 1), "linkedPlanServices[1].linkedService.objectId"},
		"linkedService missing": {`{"objectId":"p-x","objectType":"plan","_org":"example.com","planType":"inNetwork","creationDate":"12-12-2017","planCostShares":{"objectId":"c-x","objectType":"membercostshare","_org":"example.com","copay":1,"deductible":2},"linkedPlanServices":[{"objectId":"ps-x","objectType":"planservice","_org":"example.com","planserviceCostShares":{"objectId":"pcs-x","objectType":"membercostshare","_org":"example.com","copay":1,"deductible":2}}]}`, "linkedPlanServices[0].linkedService"},
	} {
		t.Run(name, func(t *testing.T) {
			p := expectProblem(t, c.do(http.MethodPost, "/v1/plans", []byte(tc.body)), http.StatusBadRequest)
			if tc.path == "" {
				return
			}
			errs, _ := p["errors"].([]any)
			for _, e := range errs {
				if e.(map[string]any)["path"] == tc.path {
					return
				}
			}
			t.Fatalf("no error at path %q: %v", tc.path, p)
		})
	}
}

func TestUpdateRefusals(t *testing.T) {
	c := servedClient(t)
	doc := exampleplan.JSON()
	id := objectID(t, doc)
	expectStatus(t, c.do(http.MethodPost, "/v1/plans", doc), http.StatusCreated)

	expectProblem(t, c.do(http.MethodPut, "/v1/plans/nope", doc), http.StatusNotFound)
	expectProblem(t, c.do(http.MethodPatch, "/v1/plans/nope", []byte(`{}`)), http.StatusNotFound)
	expectProblem(t, c.do(http.MethodPut, "/v1/plans/"+id, []byte(`{"objectId":1}`)), http.StatusBadRequest)
	expectProblem(t, c.do(http.MethodPut, "/v1/plans/"+id, planWithIDs(t, "other")), http.StatusBadRequest)
	expectProblem(t, c.do(http.MethodPatch, "/v1/plans/"+id, []byte(`{"planCostShares":{"copay":-5}}`)), http.StatusBadRequest)
	expectProblem(t, c.do(http.MethodPatch, "/v1/plans/"+id, []byte(`{"planType":null}`)), http.StatusBadRequest)
	expectProblem(t, c.do(http.MethodPatch, "/v1/plans/"+id, []byte(`{"objectId":"renamed"}`)), http.StatusBadRequest)
	expectProblem(t, c.do(http.MethodPatch, "/v1/plans/"+id, []byte(`{}`), "Content-Type", "application/xml"), http.StatusUnsupportedMediaType)
	expectProblem(t, c.do(http.MethodPatch, "/v1/plans/"+id, []byte(`{}`), "If-Match", `W/"1"`), http.StatusPreconditionFailed)
	expectProblem(t, c.do(http.MethodPatch, "/v1/plans/"+id, []byte(`{}`), "If-Match", `garbage`), http.StatusPreconditionFailed)
	expectStatus(t, c.do(http.MethodPatch, "/v1/plans/"+id, []byte(`{}`), "If-Match", `*`), http.StatusOK)
	// Nothing that was refused changed the plan: only the last patch made version 2.
	expectStatus(t, c.do(http.MethodGet, "/v1/plans/"+id, nil, "If-None-Match", `"2"`), http.StatusNotModified)
}

func TestSameETagExactlyOneWriterWins(t *testing.T) {
	c := servedClient(t)
	doc := exampleplan.JSON()
	id := objectID(t, doc)
	etag := c.do(http.MethodPost, "/v1/plans", doc).header.Get("ETag")

	const writers = 16
	statuses := make(chan int, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := []byte(fmt.Sprintf(`{"planType":"writer-%d"}`, i))
			statuses <- c.do(http.MethodPatch, "/v1/plans/"+id, body, "If-Match", etag).status
		}()
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for s := range statuses {
		counts[s]++
	}
	if counts[http.StatusOK] != 1 || counts[http.StatusPreconditionFailed] != writers-1 {
		t.Fatalf("outcomes %v: want exactly one 200 and %d 412", counts, writers-1)
	}
}

func TestAuthentication(t *testing.T) {
	dir := t.TempDir()
	m := startServe(t, dir)
	doc := exampleplan.JSON()

	anonymous := &client{t: t, base: m.URL()}
	r := anonymous.do(http.MethodPost, "/v1/plans", doc)
	expectProblem(t, r, http.StatusUnauthorized)
	if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("no Bearer challenge: %q", r.header.Get("WWW-Authenticate"))
	}
	forged := &client{t: t, base: m.URL(), token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."}
	expectProblem(t, forged.do(http.MethodGet, "/v1/plans/x", nil), http.StatusUnauthorized)

	reader := newClient(t, m, dir, auth.ScopeRead)
	r = reader.do(http.MethodPost, "/v1/plans", doc)
	expectProblem(t, r, http.StatusForbidden)
	if !strings.Contains(r.header.Get("WWW-Authenticate"), "insufficient_scope") {
		t.Fatalf("challenge %q", r.header.Get("WWW-Authenticate"))
	}
	writer := newClient(t, m, dir, auth.ScopeWrite)
	expectStatus(t, writer.do(http.MethodPost, "/v1/plans", doc), http.StatusCreated)
	expectProblem(t, writer.do(http.MethodGet, "/v1/plans/"+objectID(t, doc), nil), http.StatusForbidden)
	expectStatus(t, reader.do(http.MethodGet, "/v1/plans/"+objectID(t, doc), nil), http.StatusOK)

	for _, open := range []string{"/healthz", "/readyz", "/metrics"} {
		expectStatus(t, anonymous.do(http.MethodGet, open, nil), http.StatusOK)
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	m := startServe(t, dir)
	c := newClient(t, m, dir)
	doc := exampleplan.JSON()
	etag := c.do(http.MethodPost, "/v1/plans", doc).header.Get("ETag")
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	m2 := startServe(t, dir)
	c2 := newClient(t, m2, dir)
	got := c2.do(http.MethodGet, "/v1/plans/"+objectID(t, doc), nil)
	expectStatus(t, got, http.StatusOK)
	if got.header.Get("ETag") != etag || !jsonEqual(t, got.body, doc) {
		t.Fatalf("after restart: %s %s", got.header.Get("ETag"), got.body)
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}
