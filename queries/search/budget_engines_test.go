package search

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections/enginetest"
)

// loadPlans indexes n plans, each with a planCostShare child, into a new index.
func loadPlans(t *testing.T, client *elasticsearch.Client, index string, n int) {
	t.Helper()
	createIndex(t, client, index)
	var b bytes.Buffer
	for i := range n {
		p := fmt.Sprintf("plan-%d", i)
		fmt.Fprintf(&b, `{"index":{"_id":%q,"routing":%q}}`+"\n"+`{"objectId":%q,"objectType":"plan","plan_join":"plan"}`+"\n", p, p, p)
		fmt.Fprintf(&b, `{"index":{"_id":"%s-pcs","routing":%q}}`+"\n"+`{"objectId":"%s-pcs","objectType":"planCostShare","copay":%d,"plan_join":{"name":"planCostShare","parent":%q}}`+"\n", p, p, p, i%40, p)
	}
	res, err := client.Bulk(&b, client.Bulk.WithIndex(index), client.Bulk.WithRefresh("true"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.IsError() || bytes.Contains(out[:min(len(out), 64)], []byte(`"errors":true`)) {
		t.Fatalf("bulk: %d %.300s", res.StatusCode, out)
	}
}

// Over a few thousand plans, issue 14's query is refused before it reaches any engine,
// while a query at the budget's edge runs on both engines and answers alike.
func TestBudgetOnEveryEngine(t *testing.T) {
	if _, err := ParseRequest([]byte(stallingQuery(1024, 2))); !errors.Is(err, ErrLimit) {
		t.Fatalf("stalling query: got %v, want a limit error", err)
	}
	edge, err := ParseRequest([]byte(`{"timeout":"30s",` + stallingQuery(MaxJoinQueries/2, 2)[1:]))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := ParseRequest([]byte(`{"query":{"term":{"objectId":"plan-7"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	enginetest.Each(t, func(t *testing.T, e enginetest.Engine) {
		index := enginetest.UniqueName(t, "planstore-test")
		loadPlans(t, e.Client, index, 2000)
		for name, c := range map[string]struct {
			req   Request
			total int
		}{
			// Every planCostShare child of a plan that has one: all 2000.
			"16 joins": {edge, 2000},
			"plain":    {plain, 1},
		} {
			status, answer := rawSearch(t, e, index, c.req.Body())
			var got struct {
				TimedOut bool `json:"timed_out"`
				Hits     struct {
					Total struct {
						Value int `json:"value"`
					} `json:"total"`
				} `json:"hits"`
			}
			if status != http.StatusOK || json.Unmarshal(answer, &got) != nil {
				t.Fatalf("%s: status %d: %.300s", name, status, answer)
			}
			if got.TimedOut || got.Hits.Total.Value != c.total {
				t.Errorf("%s: timed_out %v, total %d, want %d", name, got.TimedOut, got.Hits.Total.Value, c.total)
			}
		}
	})
}
