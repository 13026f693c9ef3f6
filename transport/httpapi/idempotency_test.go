package httpapi

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/idempotency"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/testenv"
)

// exampleOrgVerifier gives the test tokens the organisation of the example plan.
type exampleOrgVerifier struct{}

func (exampleOrgVerifier) Verify(ctx context.Context, raw string) (auth.Principal, error) {
	p, err := scopeVerifier{}.Verify(ctx, raw)
	p.Orgs, p.Access = []string{"example.com"}, tenancy.ForOrgs("example.com", "example.com")
	return p, err
}

// idempotencyServer is the server on a real embedded event store and key store.
func idempotencyServer(t *testing.T) (*httptest.Server, *boltstore.Store) {
	t.Helper()
	dir := t.TempDir()
	store := testenv.BoltStoreIn(t, dir)
	keys, err := idempotency.OpenBoltStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keys.Close() })
	h, _ := commands.NewPlanHandlers(store)
	plans, _ := queries.NewPlans(store)
	s, err := New(Config{
		Logger: slog.New(slog.DiscardHandler), Verifier: exampleOrgVerifier{},
		Commands: &Commands{Create: h.Create, Replace: h.Replace, Patch: h.Patch, Delete: h.Delete},
		Plans:    plans, Health: readyHealth{}, Registry: prometheus.NewRegistry(), Idempotency: keys,
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts, store
}

// reply is what send saw.
type reply struct {
	StatusCode int
	Header     http.Header
}

func send(t *testing.T, method, url, key string, body []byte) (reply, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tokenFor(auth.ScopeWrite, auth.ScopeRead))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{StatusCode: resp.StatusCode, Header: resp.Header}, string(b)
}

func TestIdempotencyKeyReplaysTheFirstAnswer(t *testing.T) {
	ts, store := idempotencyServer(t)
	body := exampleplan.JSON()
	first, firstBody := send(t, http.MethodPost, ts.URL+"/v1/plans", `"k-1"`, body)
	if first.StatusCode != http.StatusCreated {
		t.Fatalf("first create: %d %s", first.StatusCode, firstBody)
	}
	again, againBody := send(t, http.MethodPost, ts.URL+"/v1/plans", `"k-1"`, body)
	if again.StatusCode != http.StatusCreated || againBody != firstBody || again.Header.Get("ETag") != first.Header.Get("ETag") ||
		again.Header.Get("Location") != first.Header.Get("Location") {
		t.Fatalf("retry: %d %v %s, want the first answer", again.StatusCode, again.Header, againBody)
	}
	if evs, _ := store.Events(t.Context(), "12xvxc345ssdsds-508"); len(evs) != 1 {
		t.Fatalf("%d events after a retried create, want 1", len(evs))
	}
	other := bytes.Replace(body, []byte(`"inNetwork"`), []byte(`"outOfNetwork"`), 1)
	if r, b := send(t, http.MethodPost, ts.URL+"/v1/plans", "k-1", other); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "idempotency-key-reused") {
		t.Fatalf("same key, other body: %d %s, want 422", r.StatusCode, b)
	}
	if r, _ := send(t, http.MethodPost, ts.URL+"/v1/plans", "", body); r.StatusCode != http.StatusConflict {
		t.Fatalf("without a key the second create is a conflict: %d", r.StatusCode)
	}
	plan := ts.URL + "/v1/plans/12xvxc345ssdsds-508"
	for range 2 {
		if r, b := send(t, http.MethodDelete, plan, "del-1", nil); r.StatusCode != http.StatusNoContent {
			t.Fatalf("delete with a key, retried: %d %s, want 204 both times", r.StatusCode, b)
		}
	}
	if r, _ := send(t, http.MethodDelete, plan, "del-2", nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("a new key runs again: %d, want 404", r.StatusCode)
	}
	if r, _ := send(t, http.MethodDelete, plan, strings.Repeat("x", 300), nil); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("a key too long: %d, want 400", r.StatusCode)
	}
}

func TestIdempotencyKeySentEmptyIsRefused(t *testing.T) {
	ts, _ := idempotencyServer(t)
	req, _ := http.NewRequest(http.MethodDelete, ts.URL+"/v1/plans/x-1", nil)
	req.Header.Set("Authorization", "Bearer "+tokenFor(auth.ScopeWrite))
	req.Header["Idempotency-Key"] = []string{""}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("empty Idempotency-Key: %d, want 400", resp.StatusCode)
	}
}
