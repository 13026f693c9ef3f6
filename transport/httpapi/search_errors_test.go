package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/queries/search"
	"github.com/planstore/planstore/transport/auth"
)

// erringSearcher fails every search with err.
type erringSearcher struct{ err error }

func (s erringSearcher) Search(context.Context, search.Request) (json.RawMessage, error) {
	return nil, s.err
}

func newSearchServer(t *testing.T, s searcher) *Server {
	t.Helper()
	plans, err := queries.NewPlans(failingStore{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Verifier: scopeVerifier{},
		Plans: plans, Search: s, Registry: prometheus.NewRegistry(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func TestBusySearchesAnswer503WithRetryAfter(t *testing.T) {
	srv := newSearchServer(t, erringSearcher{fmt.Errorf("search: %w", search.ErrBusy)})
	rec := serve(srv, http.MethodPost, "/v1/search", tokenFor(auth.ScopeRead))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" {
		t.Fatalf("status %d, Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
}

func TestSearchOfAGoneClientIsNoServerError(t *testing.T) {
	srv := newSearchServer(t, erringSearcher{fmt.Errorf("search: %w", context.Canceled)})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/v1/search", nil)
	req.Header.Set("Authorization", "Bearer "+tokenFor(auth.ScopeRead))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code == http.StatusInternalServerError {
		t.Fatalf("a gone client's search answered 500: %s", rec.Body)
	}
}
