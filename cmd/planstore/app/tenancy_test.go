package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/auth"
)

// TestTenantsSeeOnlyTheirOwnPlans: alice of a.org and bob of b.org use the same
// objectIds; neither can see, count, change or learn of the other's plans by any route,
// and an operator sees both, audited. Embedded backends.
func TestTenantsSeeOnlyTheirOwnPlans(t *testing.T) {
	dir := t.TempDir()
	m := startServe(t, dir)
	id := twoTenants(t, m, dir, "a.org", "b.org")

	// A restart rebuilds the embedded engine from the log (replay): the namespaces
	// come back with it, so bob's plan is still his alone.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m = startServe(t, dir)
	rw := []string{auth.ScopeRead, auth.ScopeWrite}
	bob := tenantClient(t, m, dir, "bob", rw, "b.org")
	alice := tenantClient(t, m, dir, "alice@a.org", rw, "a.org")
	bob.eventually(`{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":900}}}}}}`, id)
	alice.eventuallyTotal(`{"query":{"match_all":{}}}`, 0)
	expectStatus(t, alice.do(http.MethodGet, "/v1/plans/"+id, nil), http.StatusNotFound)
	expectStatus(t, alice.do(http.MethodPost, "/v1/plans", inOrg(t, planWithIDs(t, "again"), "a.org")), http.StatusCreated)
}

// TestTenantsOnRealBackends is the same on Redis and RabbitMQ, and on the real
// Elasticsearch when PLANSTORE_TEST_ES_URL is set. Its organisations are new each run,
// so the shared cluster's other documents cannot disturb it: the confinement it tests
// hides them.
func TestTenantsOnRealBackends(t *testing.T) {
	dir := t.TempDir()
	m := startServe(t, dir, onBrokers(t), func(c *app.Config) {
		if es := os.Getenv("PLANSTORE_TEST_ES_URL"); es != "" {
			c.ESURLs = strings.Split(es, ",")
		}
	})
	run := uuid.NewString()[:8]
	twoTenants(t, m, dir, "a.org-"+run, "b.org-"+run)
}

// twoTenants runs the scenario and returns the objectId both organisations used; bob's
// plan is left in place.
func twoTenants(t *testing.T, m *app.Main, dir, orgA, orgB string) string {
	rw := []string{auth.ScopeRead, auth.ScopeWrite}
	alice := tenantClient(t, m, dir, "alice@"+orgA, rw, orgA)
	bob := tenantClient(t, m, dir, "bob", rw, orgB)
	operator := tenantClient(t, m, dir, "ops", []string{auth.ScopeRead, auth.ScopeWrite, auth.ScopeAdmin, auth.ScopeOperator})

	// The same objectIds in both organisations; bob's cost share is recognisable.
	suffix := uuid.NewString()[:8]
	planA := inOrg(t, planWithIDs(t, suffix), orgA)
	planB := bytes.Replace(inOrg(t, planWithIDs(t, suffix), orgB), []byte(`"copay":23`), []byte(`"copay":999`), 1)
	id := objectID(t, planA)
	objects := bytes.Count(planA, []byte(`"objectId"`))

	expectStatus(t, alice.do(http.MethodPost, "/v1/plans", planA), http.StatusCreated)
	free := "/v1/plans/nobody-has-this-" + suffix

	// To bob, alice's plan is exactly a plan nobody has: same status, same problem.
	for _, probe := range []struct{ method, path string }{
		{http.MethodGet, ""}, {http.MethodGet, "?version=1"},
		{http.MethodGet, "?as_of=" + url.QueryEscape(time.Now().Format(time.RFC3339Nano))},
		{http.MethodGet, "/events"}, {http.MethodGet, "/audit"}, {http.MethodDelete, ""},
	} {
		taken := bob.do(probe.method, "/v1/plans/"+id+probe.path, nil)
		nobody := bob.do(probe.method, free+probe.path, nil)
		sameProblem(t, probe.method+" "+probe.path, taken, nobody, http.StatusNotFound, orgA)
	}
	for _, method := range []string{http.MethodPut, http.MethodPatch} {
		body := planB
		if method == http.MethodPatch {
			body = []byte(`{"planType":"stolen"}`)
		}
		taken := bob.do(method, "/v1/plans/"+id, body, "If-Match", `"1"`)
		nobody := bob.do(method, free, body, "If-Match", `"1"`)
		sameProblem(t, method, taken, nobody, http.StatusNotFound, orgA)
	}

	// Bob cannot write into a.org, whatever the objectId.
	p := expectProblem(t, bob.do(http.MethodPost, "/v1/plans", planA), http.StatusForbidden)
	if p["type"] != "https://planstore.dev/problems/forbidden-org" && !strings.HasSuffix(fmt.Sprint(p["type"]), "forbidden-org") {
		t.Fatalf("problem %v, want forbidden-org", p)
	}
	// Nor mix organisations within a plan.
	rootOrg := bytes.Index(planB, []byte(`"_org":`)) + 1 // keys are sorted: the plan's own comes first
	mixed := append(bytes.Clone(planB[:rootOrg]), bytes.Replace(planB[rootOrg:], []byte(`"_org":"`+orgB+`"`), []byte(`"_org":"other.example"`), 1)...)
	expectProblem(t, bob.do(http.MethodPost, "/v1/plans", mixed), http.StatusUnprocessableEntity)

	// The objectId alice took is free in b.org: bob's plan is his own.
	created := bob.do(http.MethodPost, "/v1/plans", planB)
	expectStatus(t, created, http.StatusCreated)
	if created.header.Get("ETag") != `"1"` {
		t.Fatalf("bob's plan starts at %s, want \"1\"", created.header.Get("ETag"))
	}
	expectStatus(t, alice.do(http.MethodPatch, "/v1/plans/"+id, []byte(`{"planType":"alice-only"}`)), http.StatusOK)
	if got := orgOfBody(t, alice.do(http.MethodGet, "/v1/plans/"+id, nil)); got != orgA {
		t.Fatalf("alice reads a plan of %q", got)
	}
	bobsView := bob.do(http.MethodGet, "/v1/plans/"+id, nil)
	if got := orgOfBody(t, bobsView); got != orgB || bobsView.header.Get("ETag") != `"1"` || bytes.Contains(bobsView.body, []byte("alice-only")) {
		t.Fatalf("bob reads %s %s", bobsView.header.Get("ETag"), bobsView.body)
	}
	expectEvents(t, bob, id, 1)
	expectEvents(t, alice, id, 2)

	// Searches are confined in the engine: totals count one's own objects only, and
	// joins never cross: bob's cost share of 999 has a parent with alice's plan's _id,
	// yet alice's has_child finds nothing.
	alice.eventuallyTotal(`{"query":{"match_all":{}},"size":100}`, objects)
	bob.eventuallyTotal(`{"query":{"match_all":{}},"size":100}`, objects)
	alice.eventuallyTotal(`{"query":{"term":{"_org":"`+orgB+`"}}}`, 0)
	alice.eventuallyTotal(`{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":900}}}}}}`, 0)
	bob.eventually(`{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":900}}}}}}`, id)
	alice.eventually(`{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}}`, id)
	alice.eventually(`{"query":{"term":{"_id":"`+id+`"}}}`, id)
	alice.eventually(`{"query":{"ids":{"values":["`+id+`"]}}}`, id)
	alice.eventuallyTotal(`{"query":{"has_parent":{"parent_type":"plan","query":{"term":{"planType":"alice-only"}}}},"size":100}`, 3) // its cost share and two services
	bob.eventuallyTotal(`{"query":{"has_parent":{"parent_type":"plan","query":{"term":{"planType":"alice-only"}}}},"size":100}`, 0)
	bob.eventuallyTotal(`{"query":{"parent_id":{"type":"planCostShare","id":"`+id+`"}}}`, 1)
	if r := alice.do(http.MethodPost, "/v1/search", []byte(`{"size":100}`)); bytes.Contains(r.body, []byte(orgA+"/")) {
		t.Fatalf("alice's hits show stored ids: %s", r.body)
	}
	expectProblem(t, alice.do(http.MethodGet, "/v1/plans/"+id+"?org="+url.QueryEscape(orgB), nil), http.StatusForbidden)
	expectProblem(t, alice.do(http.MethodPost, "/v1/search?org="+url.QueryEscape(orgB), []byte(`{}`)), http.StatusForbidden)

	// The operator sees both organisations, names the one it means, and is audited.
	if got := orgOfBody(t, operator.do(http.MethodGet, "/v1/plans/"+id+"?org="+url.QueryEscape(orgB), nil)); got != orgB {
		t.Fatalf("operator with ?org=%s reads %q", orgB, got)
	}
	if got := orgOfBody(t, operator.do(http.MethodGet, "/v1/plans/"+id+"?org="+url.QueryEscape(orgA), nil)); got != orgA {
		t.Fatalf("operator with ?org=%s reads %q", orgA, got)
	}
	both := fmt.Sprintf(`{"query":{"bool":{"filter":[{"terms":{"_org":["%s","%s"]}}]}},"size":100}`, orgA, orgB)
	operator.eventuallyTotal(both, 2*objects)
	audited := operator.do(http.MethodGet, "/v1/admin/operator-audit", nil)
	expectStatus(t, audited, http.StatusOK)
	if n := bytes.Count(audited.body, []byte(`"actor":"ops"`)); n < 3 {
		t.Fatalf("operator audit has %d of the operator's requests: %s", n, audited.body)
	}
	expectStatus(t, alice.do(http.MethodGet, "/v1/admin/operator-audit", nil), http.StatusForbidden)

	// A caller of both organisations finds a plan id in the first of its claim, and
	// names the other with ?org=; its searches count both.
	carol := tenantClient(t, m, dir, "carol", rw, orgA, orgB)
	if got := orgOfBody(t, carol.do(http.MethodGet, "/v1/plans/"+id, nil)); got != orgA {
		t.Fatalf("carol reads %q first, want %q", got, orgA)
	}
	if got := orgOfBody(t, carol.do(http.MethodGet, "/v1/plans/"+id+"?org="+url.QueryEscape(orgB), nil)); got != orgB {
		t.Fatalf("carol with ?org=%s reads %q", orgB, got)
	}
	carol.eventuallyTotal(`{"query":{"match_all":{}},"size":100}`, 2*objects)
	carol.eventually(`{"query":{"ids":{"values":["`+id+`"]}}}`, id, id)

	// Alice deletes hers; bob's stays.
	expectStatus(t, alice.do(http.MethodDelete, "/v1/plans/"+id, nil), http.StatusNoContent)
	expectStatus(t, bob.do(http.MethodGet, "/v1/plans/"+id, nil), http.StatusOK)
	alice.eventuallyTotal(`{"query":{"match_all":{}}}`, 0)
	bob.eventuallyTotal(`{"query":{"match_all":{}},"size":100}`, objects)
	return id
}

func tenantClient(t *testing.T, m *app.Main, dir, sub string, scopes []string, orgs ...string) *client {
	t.Helper()
	return &client{t: t, base: m.URL(), token: mintToken(t, dir, sub, scopes, orgs...)}
}

// inOrg is a plan whose every object belongs to org.
func inOrg(t *testing.T, plan []byte, org string) []byte {
	t.Helper()
	quoted, err := json.Marshal(org)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(plan, []byte(`"_org":"example.com"`), append([]byte(`"_org":`), quoted...))
}

func orgOfBody(t *testing.T, r response) string {
	t.Helper()
	expectStatus(t, r, http.StatusOK)
	return fmt.Sprint(r.json(t)["_org"])
}

// sameProblem: a plan of another organisation answers like a plan nobody has, and
// names nothing of the other organisation.
func sameProblem(t *testing.T, what string, taken, nobody response, status int, hidden string) {
	t.Helper()
	if taken.status != status || nobody.status != status {
		t.Fatalf("%s: %d and %d, want %d: %s", what, taken.status, nobody.status, status, taken.body)
	}
	a, b := taken.json(t), nobody.json(t)
	for _, k := range []string{"type", "title", "detail", "status"} {
		if fmt.Sprint(a[k]) != fmt.Sprint(b[k]) {
			t.Fatalf("%s: %s %q differs from a free id's %q", what, k, a[k], b[k])
		}
	}
	if bytes.Contains(taken.body, []byte(hidden)) {
		t.Fatalf("%s names the other organisation: %s", what, taken.body)
	}
}

func expectEvents(t *testing.T, c *client, id string, n int) {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/plans/"+id+"/events", nil)
	expectStatus(t, r, http.StatusOK)
	var evs []json.RawMessage
	if err := json.Unmarshal(r.body, &evs); err != nil || len(evs) != n {
		t.Fatalf("%d events (%v), want %d: %s", len(evs), err, n, r.body)
	}
}

// TestDefaultOrganisationKeepsThePreTenancyLayout: a token without an org claim is in
// the default organisation, whose plans keep their bare objectId as the aggregate id
// (the layout written before tenancy, so old data needs no migration); another
// organisation's plans are namespaced, and neither sees the other.
func TestDefaultOrganisationKeepsThePreTenancyLayout(t *testing.T) {
	dir := t.TempDir()
	m := startServe(t, dir)
	legacy := newClient(t, m, dir) // no org claim
	alice := tenantClient(t, m, dir, "alice@a.org", []string{auth.ScopeRead, auth.ScopeWrite}, "a.org")
	doc := planWithIDs(t, "layout")
	id := objectID(t, doc)
	expectStatus(t, legacy.do(http.MethodPost, "/v1/plans", doc), http.StatusCreated)
	expectStatus(t, alice.do(http.MethodPost, "/v1/plans", inOrg(t, doc, "a.org")), http.StatusCreated)
	for c, want := range map[*client]string{legacy: id, alice: "a.org/" + id} {
		r := c.do(http.MethodGet, "/v1/plans/"+id+"/events", nil)
		expectStatus(t, r, http.StatusOK)
		var evs []struct {
			AggregateID string `json:"aggregate_id"`
		}
		if err := json.Unmarshal(r.body, &evs); err != nil || len(evs) != 1 || evs[0].AggregateID != want {
			t.Fatalf("events %s, want aggregate_id %q", r.body, want)
		}
	}
	if got := orgOfBody(t, legacy.do(http.MethodGet, "/v1/plans/"+id, nil)); got != "example.com" {
		t.Fatalf("the default organisation reads %q", got)
	}
}
