package load

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeStore is just enough of planstore for the load code: plans with versions as
// ETags, If-Match and If-None-Match, and a search that finds a plan only `delay` after
// its create, answering ids and _org count queries.
type fakeStore struct {
	delay time.Duration

	mu    sync.Mutex
	plans map[string]*fakePlan
}

type fakePlan struct {
	version int
	org     string
	created time.Time
}

func newFakeStore(t *testing.T, delay time.Duration) (*fakeStore, *httptest.Server) {
	f := &fakeStore{delay: delay, plans: map[string]*fakePlan{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer test-token" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch id, isPlan := strings.CutPrefix(r.URL.Path, "/v1/plans/"); {
	case r.URL.Path == "/v1/plans" && r.Method == http.MethodPost:
		var doc struct {
			ObjectID string `json:"objectId"`
			Org      string `json:"_org"`
		}
		if json.Unmarshal(body, &doc) != nil || doc.ObjectID == "" {
			http.Error(w, "bad plan", http.StatusBadRequest)
			return
		}
		if _, taken := f.plans[doc.ObjectID]; taken {
			http.Error(w, "taken", http.StatusConflict)
			return
		}
		f.plans[doc.ObjectID] = &fakePlan{version: 1, org: doc.Org, created: time.Now()}
		w.Header().Set("ETag", `"1"`)
		w.WriteHeader(http.StatusCreated)
	case isPlan && f.plans[id] == nil:
		http.NotFound(w, r)
	case isPlan && r.Method == http.MethodGet:
		etag := `"` + strconv.Itoa(f.plans[id].version) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write([]byte(`{"objectId":"` + id + `"}`))
	case isPlan && r.Method == http.MethodPatch:
		p := f.plans[id]
		if r.Header.Get("If-Match") != `"`+strconv.Itoa(p.version)+`"` {
			w.WriteHeader(http.StatusPreconditionFailed)
			return
		}
		p.version++
		w.Header().Set("ETag", `"`+strconv.Itoa(p.version)+`"`)
	case r.URL.Path == "/v1/search":
		f.search(w, body)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeStore) search(w http.ResponseWriter, body []byte) {
	var q struct {
		Query struct {
			IDs *struct {
				Values []string `json:"values"`
			} `json:"ids"`
			Bool *struct {
				Filter []struct {
					Term map[string]string `json:"term"`
				} `json:"filter"`
			} `json:"bool"`
		} `json:"query"`
	}
	if err := json.Unmarshal(body, &q); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	visible := func(p *fakePlan) bool { return time.Since(p.created) >= f.delay }
	var hits []string
	switch {
	case q.Query.IDs != nil:
		for _, id := range q.Query.IDs.Values {
			if p := f.plans[id]; p != nil && visible(p) {
				hits = append(hits, `{"_id":"`+id+`"}`)
			}
		}
	case q.Query.Bool != nil && len(q.Query.Bool.Filter) > 0:
		org := q.Query.Bool.Filter[0].Term["_org"]
		n := 0
		for _, p := range f.plans {
			if p.org == org && visible(p) {
				n++
			}
		}
		_, _ = w.Write([]byte(`{"hits":{"total":{"value":` + strconv.Itoa(n) + `},"hits":[]}}`))
		return
	}
	_, _ = w.Write([]byte(`{"hits":{"total":{"value":` + strconv.Itoa(len(hits)) + `},"hits":[` + strings.Join(hits, ",") + `]}}`))
}
