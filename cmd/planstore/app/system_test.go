package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/planstore/planstore/transport/auth"
)

// serve without Redis keeps its heartbeat in process: the system view lists it with its
// consumers, the dead-letter routes answer for the embedded bus, and the console is
// served; all of it needs plans:admin but the console's static pages.
func TestServeAnswersTheSystemViewAndTheConsole(t *testing.T) {
	dir := t.TempDir()
	m := startServe(t, dir)
	admin := newClient(t, m, dir, auth.ScopeAdmin)
	reader := newClient(t, m, dir, auth.ScopeRead)

	r := admin.do(http.MethodGet, "/v1/admin/system", nil)
	expectStatus(t, r, http.StatusOK)
	instances, _ := r.json(t)["instances"].([]any)
	if len(instances) != 1 {
		t.Fatalf("instances: %s", r.body)
	}
	self := instances[0].(map[string]any)
	consumers, _ := self["consumers"].([]any)
	// The relay may not lead yet at the first heartbeat: standby until it takes the lease.
	if self["role"] != "serve" || self["status"] != "up" || len(consumers) != 1 || (self["relay"] != "leading" && self["relay"] != "standby") {
		t.Fatalf("serve announced itself as %s", r.body)
	}
	expectStatus(t, reader.do(http.MethodGet, "/v1/admin/system", nil), http.StatusForbidden)

	r = admin.do(http.MethodGet, "/v1/admin/dead-letters/projector", nil)
	expectStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.body), `"dead_letters":[]`) {
		t.Fatalf("dead letters: %s", r.body)
	}
	expectProblem(t, admin.do(http.MethodGet, "/v1/admin/dead-letters/nobody", nil), http.StatusNotFound)
	expectProblem(t, admin.do(http.MethodPost, "/v1/admin/dead-letters/projector/nope/redeliver", nil), http.StatusNotFound)
	r = admin.do(http.MethodGet, "/v1/admin/actions", nil)
	expectStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.body), `"outcome":"failed: `) {
		t.Fatalf("the failed redelivery is not in the audit trail: %s", r.body)
	}

	anonymous := &client{t: t, base: m.URL()}
	r = anonymous.do(http.MethodGet, "/admin/", nil)
	expectStatus(t, r, http.StatusOK)
	if r.header.Get("Content-Security-Policy") == "" {
		t.Fatal("the console is served without a Content-Security-Policy")
	}
	expectStatus(t, anonymous.do(http.MethodGet, "/metrics", nil), http.StatusOK)
	if body := string(anonymous.do(http.MethodGet, "/metrics", nil).body); !strings.Contains(body, `planstore_instances{role="serve",status="up"} 1`) {
		t.Fatal("/metrics lacks planstore_instances")
	}
}
