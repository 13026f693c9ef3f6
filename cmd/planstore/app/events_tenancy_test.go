package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/testenv"
)

// TestEventsOutAreConfinedToTheCallersOrganisations: two organisations use the same
// objectIds. Each sees only its own events in the feed (filtered by plan too) and the
// SSE stream; a webhook subscription delivers only its creator's organisation's events,
// and the other organisation cannot see or manage it; an operator's feed has both.
func TestEventsOutAreConfinedToTheCallersOrganisations(t *testing.T) {
	var mu sync.Mutex
	received := map[string]int{} // aggregate id (qualified by namespace) -> deliveries
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var e struct {
			AggregateID string `json:"aggregate_id"`
		}
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &e)
		mu.Lock()
		received[e.AggregateID]++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()

	dir := t.TempDir()
	m := startServe(t, dir, func(c *app.Config) { c.WebhookDeny = "none"; c.WebhookBackoff = 10 * time.Millisecond })
	rw := []string{auth.ScopeRead, auth.ScopeWrite, auth.ScopeAdmin}
	alice := tenantClient(t, m, dir, "alice", rw, "a.org")
	bob := tenantClient(t, m, dir, "bob", rw, "b.org")
	operator := tenantClient(t, m, dir, "ops", []string{auth.ScopeRead, auth.ScopeOperator})

	r := alice.do(http.MethodPost, "/v1/subscriptions", []byte(`{"url":"`+hook.URL+`","from":"start"}`))
	expectStatus(t, r, http.StatusCreated)
	subID, _ := r.json(t)["id"].(string)

	planA := inOrg(t, planWithIDs(t, "tenants"), "a.org")
	planB := inOrg(t, planWithIDs(t, "tenants"), "b.org")
	id := objectID(t, planA)
	expectStatus(t, alice.do(http.MethodPost, "/v1/plans", planA), http.StatusCreated)
	expectStatus(t, bob.do(http.MethodPost, "/v1/plans", planB), http.StatusCreated)
	expectStatus(t, bob.do(http.MethodDelete, "/v1/plans/"+id, nil), http.StatusNoContent)

	onlyOrg := func(c *client, org string, want int) {
		t.Helper()
		for _, q := range []string{"", "plan=" + url.QueryEscape(id)} {
			events := pageFeed(t, c, q)
			if len(events) != want {
				t.Fatalf("%s's feed (%s) has %d events, want %d", org, q, len(events), want)
			}
			for _, e := range events {
				if org == "a.org" && strings.Contains(e.Event.AggregateID, "b.org") || org == "b.org" && !strings.HasPrefix(e.Event.AggregateID, "b.org/") {
					t.Fatalf("%s's feed has %s", org, e.key())
				}
			}
		}
	}
	onlyOrg(alice, "a.org", 1)
	onlyOrg(bob, "b.org", 2)
	if all := pageFeed(t, operator, ""); len(all) != 3 {
		t.Fatalf("the operator's feed has %d events, want 3", len(all))
	}
	if got := readSSE(t, bob, "", 2); got[0].Event.AggregateID != "b.org/"+id || got[1].Event.Version != 2 {
		t.Fatalf("bob's stream: %+v", got)
	}

	// Alice's subscription delivers her plan's event only; bob cannot see it.
	testenv.WaitFor(t, 30*time.Second, "alice's webhook", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return received["a.org/"+id] == 1
	})
	expectProblem(t, bob.do(http.MethodGet, "/v1/subscriptions/"+subID, nil), http.StatusNotFound)
	expectProblem(t, bob.do(http.MethodDelete, "/v1/subscriptions/"+subID, nil), http.StatusNotFound)
	if list := bob.do(http.MethodGet, "/v1/subscriptions", nil); string(list.body) != "[]" {
		t.Fatalf("bob lists %s", list.body)
	}
	time.Sleep(300 * time.Millisecond) // a delivery of bob's events would have come by now
	mu.Lock()
	defer mu.Unlock()
	if len(received) != 1 {
		t.Fatalf("alice's webhook got %v", received)
	}
}
