package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

// TestPlanAsItWas reads a plan as of each of its versions and of instants between them,
// and pages through its history: every answer is exactly the state its event recorded.
func TestPlanAsItWas(t *testing.T) {
	c := servedClient(t)
	doc := exampleplan.JSON()
	id := objectID(t, doc)

	type state struct {
		etag string
		body []byte
		at   time.Time // an instant after this version and before the next
	}
	var states []state
	record := func(r response) {
		t.Helper()
		states = append(states, state{etag: r.header.Get("ETag"), body: r.body, at: time.Now()})
	}
	first := c.do(http.MethodPost, "/v1/plans", doc)
	expectStatus(t, first, http.StatusCreated)
	beforeAll := time.Now().Add(-time.Hour)
	record(first)
	for copay := 1; copay <= 3; copay++ {
		patch := fmt.Appendf(nil, `{"planCostShares":{"copay":%d}}`, copay)
		r := c.do(http.MethodPatch, "/v1/plans/"+id, patch, "If-Match", states[len(states)-1].etag)
		expectStatus(t, r, http.StatusOK)
		record(r)
	}
	expectStatus(t, c.do(http.MethodDelete, "/v1/plans/"+id, nil, "If-Match", states[len(states)-1].etag), http.StatusNoContent)
	afterDelete := time.Now()

	for i, s := range states {
		version := i + 1
		byVersion := c.do(http.MethodGet, fmt.Sprintf("/v1/plans/%s?version=%d", id, version), nil)
		expectStatus(t, byVersion, http.StatusOK)
		if got := byVersion.header.Get("ETag"); got != s.etag {
			t.Fatalf("version %d: ETag %s, want %s", version, got, s.etag)
		}
		sameJSON(t, byVersion.body, s.body)

		byTime := c.do(http.MethodGet, "/v1/plans/"+id+"?as_of="+url.QueryEscape(s.at.Format(time.RFC3339Nano)), nil)
		expectStatus(t, byTime, http.StatusOK)
		if got := byTime.header.Get("ETag"); got != s.etag {
			t.Fatalf("as of version %d's time: ETag %s, want %s", version, got, s.etag)
		}
		sameJSON(t, byTime.body, s.body)
		expectStatus(t, c.do(http.MethodGet, fmt.Sprintf("/v1/plans/%s?version=%d", id, version), nil, "If-None-Match", s.etag), http.StatusNotModified)
	}

	// The delete's version, a time after it, a time before the plan, a version never reached.
	expectProblem(t, c.do(http.MethodGet, fmt.Sprintf("/v1/plans/%s?version=%d", id, len(states)+1), nil), http.StatusNotFound)
	expectProblem(t, c.do(http.MethodGet, "/v1/plans/"+id+"?as_of="+url.QueryEscape(afterDelete.Format(time.RFC3339Nano)), nil), http.StatusNotFound)
	expectProblem(t, c.do(http.MethodGet, "/v1/plans/"+id+"?as_of="+url.QueryEscape(beforeAll.Format(time.RFC3339)), nil), http.StatusNotFound)
	expectProblem(t, c.do(http.MethodGet, "/v1/plans/"+id+"?version=99", nil), http.StatusNotFound)
	expectProblem(t, c.do(http.MethodGet, "/v1/plans/never-was?version=1", nil), http.StatusNotFound)

	for query, param := range map[string]string{
		"version=0": "version", "version=x": "version", "version=1&version=2": "version",
		"as_of=yesterday": "as_of", "version=1&as_of=2026-01-01T00:00:00Z": "as_of",
	} {
		p := expectProblem(t, c.do(http.MethodGet, "/v1/plans/"+id+"?"+query, nil), http.StatusBadRequest)
		errs, _ := p["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["path"] != param {
			t.Fatalf("?%s: errors %v, want the path %s", query, p["errors"], param)
		}
	}

	// History in pages of two: 1-2, 3-4, 5, each pointing at the next.
	var versions []float64
	next := "/v1/plans/" + id + "/events?limit=2"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("history pages never end")
		}
		r := c.do(http.MethodGet, next, nil)
		expectStatus(t, r, http.StatusOK)
		var evs []map[string]any
		if err := json.Unmarshal(r.body, &evs); err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			versions = append(versions, e["version"].(float64))
		}
		next = ""
		if link := r.header.Get("Link"); link != "" {
			next = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
		}
	}
	if fmt.Sprint(versions) != "[1 2 3 4 5]" {
		t.Fatalf("paged versions %v, want 1..5", versions)
	}
	tail := c.do(http.MethodGet, "/v1/plans/"+id+"/events?after_version=4", nil)
	expectStatus(t, tail, http.StatusOK)
	if !bytes.Contains(tail.body, []byte(`"plan.deleted"`)) || bytes.Contains(tail.body, []byte(`"plan.patched"`)) {
		t.Fatalf("after_version=4: %s", tail.body)
	}
	expectProblem(t, c.do(http.MethodGet, "/v1/plans/"+id+"/events?limit=0", nil), http.StatusBadRequest)
	expectProblem(t, c.do(http.MethodGet, "/v1/plans/"+id+"/events?limit=1001", nil), http.StatusBadRequest)
}

func sameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%v: %s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%v: %s", err, want)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Fatalf("document\n got %s\nwant %s", gb, wb)
	}
}
