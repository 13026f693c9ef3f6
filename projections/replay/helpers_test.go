package replay_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections"
	"github.com/planstore/planstore/projections/elastic"
	"github.com/planstore/planstore/projections/enginetest"
	"github.com/planstore/planstore/projections/esengine"
	"github.com/planstore/planstore/projections/replay"
)

// backend is one search engine the tests run against, with the alias they may use.
type backend struct {
	name   string
	client *elasticsearch.Client
	alias  string
}

// backends returns a fresh embedded engine, always, and the Elasticsearch named by
// PLANSTORE_TEST_ES_URL when set. The embedded engine is the test's own, so it uses the
// real alias `plans`; on a shared cluster every test gets its own alias (and so its
// own lock document and generation indices), cleaned up at the end.
func backends(t *testing.T) []backend {
	t.Helper()
	client, err := esengine.NewClient(esengine.New())
	if err != nil {
		t.Fatal(err)
	}
	out := []backend{{name: "embedded", client: client, alias: projections.Alias}}
	if url := os.Getenv("PLANSTORE_TEST_ES_URL"); url != "" {
		c, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: strings.Split(url, ",")})
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 5)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		alias := "replaytest" + hex.EncodeToString(b)
		t.Cleanup(func() { cleanupCluster(c, alias) })
		out = append(out, backend{name: "elasticsearch", client: c, alias: alias})
	}
	return out
}

// eachBackend runs f as a subtest per backend.
func eachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) { f(t, b) })
	}
}

func cleanupCluster(c *elasticsearch.Client, alias string) {
	ctx := context.Background()
	res, err := c.Indices.Delete([]string{alias + "-*"}, c.Indices.Delete.WithContext(ctx))
	if err == nil {
		res.Body.Close()
	}
	res, err = c.Delete(replay.LockIndex, alias, c.Delete.WithContext(ctx))
	if err == nil {
		res.Body.Close()
	}
}

// newReplayer returns a Replayer of the backend's alias over log.
func newReplayer(t testing.TB, b backend, log replay.Log, tune func(*replay.Config)) *replay.Replayer {
	t.Helper()
	cfg := replay.Config{Client: b.client, Log: log, Alias: b.alias}
	if tune != nil {
		tune(&cfg)
	}
	r, err := replay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// projectLive builds the read model the way a running system does: the alias on a
// first index, and every logged event through the live projector.
func projectLive(t testing.TB, b backend, log replay.Log) string {
	t.Helper()
	ctx := context.Background()
	index := b.alias + "-000001"
	if err := elastic.CreateIndex(ctx, b.client, index); err != nil {
		t.Fatal(err)
	}
	res, err := b.client.Indices.PutAlias([]string{index}, b.alias)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.IsError() {
		t.Fatalf("put alias: %s", res)
	}
	w, err := elastic.NewWriter(b.client, elastic.WriterConfig{Index: b.alias})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	projector, err := elastic.NewProjector(w)
	if err != nil {
		t.Fatal(err)
	}
	for p := range log.Partitions() {
		after := ""
		for {
			entries, err := log.ReadLog(ctx, p, after, 500)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) == 0 {
				break
			}
			evs := make([]events.Envelope, len(entries))
			for i, e := range entries {
				evs[i] = e.Event
			}
			if err := projector.HandleBatch(ctx, evs...); err != nil {
				t.Fatal(err)
			}
			after = entries[len(entries)-1].Position
		}
	}
	refresh(t, b, b.alias)
	return index
}

func refresh(t testing.TB, b backend, target string) {
	t.Helper()
	if err := elastic.Refresh(context.Background(), b.client, target); err != nil {
		t.Fatal(err)
	}
}

// aliasIndices is where the alias points.
func aliasIndices(t testing.TB, b backend) []string {
	t.Helper()
	indices, err := elastic.AliasIndices(context.Background(), b.client, b.alias)
	if err != nil {
		t.Fatal(err)
	}
	return indices
}

// indexExists asks for one index by name.
func indexExists(t testing.TB, b backend, name string) bool {
	t.Helper()
	res, err := b.client.Indices.Exists([]string{name})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode == 200
}

// joinQueries are the questions whose answers must survive a replay: plain and join
// queries over every relation.
var joinQueries = map[string]string{
	"all":                     `{"match_all": {}}`,
	"plans":                   `{"term": {"objectType": "plan"}}`,
	"plans with costly visit": `{"has_child": {"type": "linkedPlanService", "query": {"has_child": {"type": "planserviceCostShare", "query": {"range": {"copay": {"gte": 150}}}}}}}`,
	"plans with cheap plan":   `{"has_child": {"type": "planCostShare", "query": {"range": {"copay": {"lt": 40}}}}}`,
	"services of in-network":  `{"has_parent": {"parent_type": "linkedPlanService", "query": {"has_parent": {"parent_type": "plan", "query": {"term": {"planType": "inNetwork"}}}}}}`,
	"planservices without cost share": `{"bool": {"must": [{"term": {"objectType": "planservice"}}],
		"must_not": [{"has_child": {"type": "planserviceCostShare", "query": {"range": {"deductible": {"gte": 0}}}}}]}}`,
	"wellness services": `{"bool": {"filter": [{"match": {"name": "wellness"}}], "should": [{"term": {"_org": "example.com"}}]}}`,
}

// answers runs every join query against the alias and returns the sorted ids of each.
func answers(t testing.TB, b backend) map[string][]string {
	t.Helper()
	out := make(map[string][]string, len(joinQueries))
	for name, q := range joinQueries {
		ids, total, err := search(b, q)
		if err != nil {
			t.Fatalf("query %q: %v", name, err)
		}
		if int64(len(ids)) != total {
			t.Fatalf("query %q: %d hits for a total of %d: raise the test's size or shrink its data", name, len(ids), total)
		}
		out[name] = ids
	}
	return out
}

// search runs one query on the alias and returns the sorted hit ids and the total.
func search(b backend, query string) ([]string, int64, error) {
	answer, err := searchAlias(b, fmt.Sprintf(`{"query": %s, "size": 10000, "_source": false, "track_total_hits": true}`, query))
	if err != nil {
		return nil, 0, err
	}
	return answer.IDs(), int64(answer.Hits.Total.Value), nil
}

// sources returns every document of the alias by id, for exact comparisons.
func sources(t testing.TB, b backend) map[string]string {
	t.Helper()
	answer, err := searchAlias(b, `{"query": {"match_all": {}}, "size": 10000, "track_total_hits": true}`)
	if err != nil {
		t.Fatal(err)
	}
	hits := answer.Hits.Hits
	if answer.Hits.Total.Value != len(hits) {
		t.Fatalf("%d documents, more than one page", answer.Hits.Total.Value)
	}
	out := make(map[string]string, len(hits))
	for _, h := range hits {
		out[h.ID] = h.Routing + " " + string(h.Source)
	}
	return out
}

// searchAlias runs a search body on the alias and returns its answer.
func searchAlias(b backend, body string) (enginetest.Answer, error) {
	res, err := b.client.Search(b.client.Search.WithIndex(b.alias), b.client.Search.WithBody(strings.NewReader(body)))
	if err != nil {
		return enginetest.Answer{}, err
	}
	defer res.Body.Close()
	if res.IsError() {
		return enginetest.Answer{}, fmt.Errorf("search: %s", res)
	}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return enginetest.Answer{}, err
	}
	return enginetest.DecodeAnswer(raw)
}
