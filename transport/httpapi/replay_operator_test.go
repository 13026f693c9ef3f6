package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/planstore/planstore/transport/auth"
)

// An admin of one organisation may not rebuild (or read the counts of) every
// organisation's read model: the replay routes answer 403 operator-only, saying what the
// token lacks, before the replayer is asked anything.
func TestReplayNeedsAnOperator(t *testing.T) {
	srv := newFullServer(t)
	for _, route := range []struct{ method, target string }{
		{http.MethodPost, "/v1/admin/replay"},
		{http.MethodGet, "/v1/admin/replay/job-1"},
	} {
		rec := serve(srv, route.method, route.target, tokenFor(auth.ScopeRead, auth.ScopeWrite, auth.ScopeAdmin))
		if rec.Code != http.StatusForbidden {
			t.Fatalf("%s %s with plans:admin alone: %d %s", route.method, route.target, rec.Code, rec.Body)
		}
		var p struct {
			Type   string `json:"type"`
			Detail string `json:"detail"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatalf("%s %s: not problem+json: %v: %s", route.method, route.target, err, rec.Body)
		}
		if !strings.HasSuffix(p.Type, "operator-only") || !strings.Contains(p.Detail, auth.ScopeOperator) {
			t.Errorf("%s %s: problem %+v, want operator-only naming %s", route.method, route.target, p, auth.ScopeOperator)
		}
	}
}
