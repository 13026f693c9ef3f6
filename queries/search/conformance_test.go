package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections/elastic"
	"github.com/planstore/planstore/projections/enginetest"
	"github.com/planstore/planstore/tenancy"
)

// Everything ParseRequest accepts must run: the allow-list may be narrower than the
// engines, never wider.
func TestAcceptedRequestsRunOnEveryEngine(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, e enginetest.Engine) {
		index := enginetest.UniqueName(t, "planstore-test")
		loadExample(t, e.Client, index)
		for name, body := range validBodies {
			req, err := ParseRequest([]byte(body))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			status, answer := rawSearch(t, e, index, req.Body())
			if status != http.StatusOK {
				t.Errorf("%s: status %d: %s", name, status, answer)
			}
		}
	})
}

func TestJoinQueriesFindTheExample(t *testing.T) {
	cases := map[string]struct {
		body  string
		total int
	}{
		"children of a plan by _id": {`{"query":{"has_parent":{"parent_type":"plan","query":{"term":{"_id":"12xvxc345ssdsds-508"}}}}}`, 3},
		"has_child copay >= 1":      {`{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}}`, 1},
		"nested has_child": {`{"query":{"has_child":{"type":"linkedPlanService","query":{"has_child":{"type":"planserviceCostShare",
			"query":{"range":{"copay":{"gte":1}}}}}}}}`, 1},
		"grandchildren by parent_id": {`{"query":{"parent_id":{"type":"linkedService","id":"27283xvx9sdf-507"}}}`, 1},
	}
	enginetest.Each(t, func(t *testing.T, e enginetest.Engine) {
		index := enginetest.UniqueName(t, "planstore-test")
		loadExample(t, e.Client, index)
		for name, c := range cases {
			req, err := ParseRequest([]byte(c.body))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			status, answer := rawSearch(t, e, index, req.Body())
			var got struct {
				Hits struct {
					Total struct {
						Value    int    `json:"value"`
						Relation string `json:"relation"`
					} `json:"total"`
					Hits []struct {
						Index   string          `json:"_index"`
						ID      string          `json:"_id"`
						Routing string          `json:"_routing"`
						Source  json.RawMessage `json:"_source"`
					} `json:"hits"`
				} `json:"hits"`
			}
			if status != http.StatusOK || json.Unmarshal(answer, &got) != nil {
				t.Fatalf("%s: status %d: %s", name, status, answer)
			}
			if got.Hits.Total.Value != c.total || got.Hits.Total.Relation != "eq" || len(got.Hits.Hits) != c.total {
				t.Errorf("%s: total %+v with %d hits, want %d", name, got.Hits.Total, len(got.Hits.Hits), c.total)
			}
			for _, h := range got.Hits.Hits {
				if h.Index != index || h.Routing != "12xvxc345ssdsds-508" || len(h.Source) == 0 {
					t.Errorf("%s: hit %+v", name, h)
				}
			}
		}
	})
}

// An engine's 400 becomes an *InvalidQueryError whose reason says what was wrong.
func TestEngineRejectionsReadWell(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, e enginetest.Engine) {
		index := enginetest.UniqueName(t, "planstore-test")
		loadExample(t, e.Client, index)
		req, err := ParseRequest([]byte(`{"query":{"range":{"copay":{"gte":"abc"}}}}`))
		if err != nil {
			t.Fatal(err)
		}
		status, answer := rawSearch(t, e, index, req.Body())
		if status != http.StatusBadRequest {
			t.Fatalf("status %d: %s", status, answer)
		}
		reason := rejectionReason(answer)
		t.Logf("reason: %s", reason)
		if !bytes.Contains([]byte(reason), []byte("abc")) {
			t.Errorf("reason %q does not say what was wrong", reason)
		}
	})
}

// The Searcher itself only runs on the alias `plans`, which the tests own only in a
// private embedded engine.
func TestSearcherOnTheAlias(t *testing.T) {
	for _, e := range enginetest.All(t) {
		if !e.Private {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := elastic.EnsureAlias(ctx, e.Client); err != nil {
				t.Fatal(err)
			}
			s, err := NewSearcher(e.Client)
			if err != nil {
				t.Fatal(err)
			}
			req, err := ParseRequest([]byte(`{"query":{"range":{"copay":{"gte":"abc"}}}}`))
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Search(tenancy.WithAccess(ctx, tenancy.Operator("example.com")), req)
			var iq *InvalidQueryError
			if !errors.As(err, &iq) || !errors.Is(err, ErrRejected) {
				t.Fatalf("got %v, want a rejection", err)
			}
			answer, err := s.Search(tenancy.WithAccess(ctx, tenancy.Operator("example.com")), Request{})
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(answer) {
				t.Fatalf("answer %s", answer)
			}
		})
	}
}

func rawSearch(t *testing.T, e enginetest.Engine, index string, body []byte) (int, []byte) {
	t.Helper()
	api := e.Client.Search
	res, err := api(api.WithContext(context.Background()), api.WithIndex(index), api.WithBody(bytes.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, answer
}

// createIndex creates index with the read model's mapping and deletes it when the test
// ends.
func createIndex(t *testing.T, client *elasticsearch.Client, index string) {
	t.Helper()
	if err := elastic.CreateIndex(context.Background(), client, index); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = elastic.DeleteIndex(context.Background(), client, index) })
}

// loadExample creates index with the read model's mapping, projects the example plan
// into it and refreshes it.
func loadExample(t *testing.T, client *elasticsearch.Client, index string) {
	t.Helper()
	ctx := context.Background()
	createIndex(t, client, index)
	plan := exampleplan.JSON()
	w, err := elastic.NewWriter(client, elastic.WriterConfig{Index: index})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	p, err := elastic.NewProjector(w)
	if err != nil {
		t.Fatal(err)
	}
	e := events.Envelope{ID: "e1", Type: events.PlanCreated, AggregateType: events.AggregateTypePlan,
		AggregateID: "12xvxc345ssdsds-508", Version: 1, Data: events.Data{Before: []byte("null"), After: plan}}
	if err := p.Handle(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := elastic.Refresh(ctx, client, index); err != nil {
		t.Fatal(err)
	}
}
