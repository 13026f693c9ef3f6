package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/planstore/planstore/queries/search"
)

// unavailableSearcher answers like a cluster that lost the node it needed and did not
// recover within the client's retries.
type unavailableSearcher struct{}

func (unavailableSearcher) Search(context.Context, search.Request) (json.RawMessage, error) {
	return nil, fmt.Errorf("%w: plans answered 503: all shards failed", search.ErrUnavailable)
}

func TestSearchUnavailableIs503WithRetryAfter(t *testing.T) {
	s := newFullServer(t)
	s.search = unavailableSearcher{}
	rec := serve(s, http.MethodPost, "/v1/search", tokenFor("plans:read"))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503: %s", rec.Code, rec.Body)
	}
	if got := rec.Header().Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After %q, want 1", got)
	}
	var p struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Type != "urn:planstore:problem:search-unavailable" {
		t.Errorf("problem type %q (%v), want urn:planstore:problem:search-unavailable", p.Type, err)
	}
}
