package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/messaging"
)

// orgVerifier: the token names the caller's organisation; "operator" crosses them.
type orgVerifier struct{}

func (orgVerifier) Verify(_ context.Context, raw string) (auth.Principal, error) {
	p := auth.Principal{Subject: raw, Scopes: []string{auth.ScopeAdmin}}
	if raw == "operator" {
		p.Scopes = append(p.Scopes, auth.ScopeOperator)
		slices.Sort(p.Scopes)
		p.Access = tenancy.Operator("example.com")
	} else {
		p.Access = tenancy.ForOrgs("example.com", raw)
	}
	return p, nil
}

// memoryDeadLetters is a dead-letter queue of one consumer in memory.
type memoryDeadLetters struct{ letters []messaging.DeadLetter }

func (m *memoryDeadLetters) List(context.Context, string, int) ([]messaging.DeadLetter, error) {
	return slices.Clone(m.letters), nil
}

func (m *memoryDeadLetters) Get(_ context.Context, _ string, id string) (messaging.DeadLetter, error) {
	for _, dl := range m.letters {
		if dl.ID == id {
			return dl, nil
		}
	}
	return messaging.DeadLetter{}, messaging.ErrDeadLetterNotFound
}

func (m *memoryDeadLetters) Redeliver(ctx context.Context, consumer, id string) error {
	return m.Discard(ctx, consumer, id)
}

func (m *memoryDeadLetters) Discard(_ context.Context, _ string, id string) error {
	n := len(m.letters)
	m.letters = slices.DeleteFunc(m.letters, func(dl messaging.DeadLetter) bool { return dl.ID == id })
	if len(m.letters) == n {
		return messaging.ErrDeadLetterNotFound
	}
	return nil
}

// Two organisations' dead letters on one queue: each admin sees and settles only its
// own, another's answers 404 like a missing one, and the operator sees both.
func TestDeadLettersAreConfinedToTheCallersOrganisations(t *testing.T) {
	queue := &memoryDeadLetters{letters: []messaging.DeadLetter{
		{ID: "ev-a", AggregateID: "plan-1", Payload: []byte(`{}`)},       // example.com: the bare namespace
		{ID: "ev-b", AggregateID: "b.org/plan-1", Payload: []byte(`{}`)}, // same objectId, b.org
	}}
	s, err := New(Config{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Verifier: orgVerifier{},
		Registry: prometheus.NewRegistry(), DeadLetters: queue, Consumers: []string{"projector"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(token string) []string {
		rec := serve(s, http.MethodGet, "/v1/admin/dead-letters/projector", token)
		var list deadLetterList
		if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("list as %s: %d %s", token, rec.Code, rec.Body)
		}
		var out []string
		for _, dl := range list.DeadLetters {
			out = append(out, dl.ID)
		}
		return out
	}
	if got := ids("example.com"); !slices.Equal(got, []string{"ev-a"}) {
		t.Errorf("example.com sees %v", got)
	}
	if got := ids("b.org"); !slices.Equal(got, []string{"ev-b"}) {
		t.Errorf("b.org sees %v", got)
	}
	if got := ids("operator"); !slices.Equal(got, []string{"ev-a", "ev-b"}) {
		t.Errorf("the operator sees %v", got)
	}
	missing := serve(s, http.MethodGet, "/v1/admin/dead-letters/projector/nope", "example.com")
	for _, req := range [][2]string{
		{http.MethodGet, "/v1/admin/dead-letters/projector/ev-b"},
		{http.MethodPost, "/v1/admin/dead-letters/projector/ev-b/redeliver"},
		{http.MethodDelete, "/v1/admin/dead-letters/projector/ev-b"},
	} {
		rec := serve(s, req[0], req[1], "example.com")
		if rec.Code != http.StatusNotFound || withoutCorrelation(t, rec.Body.Bytes()) != withoutCorrelation(t, missing.Body.Bytes()) {
			t.Errorf("%s %s as example.com: %d %s, want the 404 of a missing one: %s", req[0], req[1], rec.Code, rec.Body, missing.Body)
		}
	}
	if len(queue.letters) != 2 {
		t.Fatal("another organisation's dead letter was settled")
	}
	if rec := serve(s, http.MethodPost, "/v1/admin/dead-letters/projector/ev-b/redeliver", "b.org"); rec.Code != http.StatusOK {
		t.Fatalf("b.org redelivers its own: %d %s", rec.Code, rec.Body)
	}
}

// withoutCorrelation is a problem body without its (per-request) correlation id.
func withoutCorrelation(t *testing.T, body []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("problem body: %v: %s", err, body)
	}
	delete(m, "correlation_id")
	b, _ := json.Marshal(m)
	return string(b)
}
