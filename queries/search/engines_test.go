package search

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections/elastic"
)

// engine is one backend the conformance tests run against.
type engine struct {
	name     string
	client   *elasticsearch.Client
	embedded bool // a private engine: the test may own the alias `plans`
}

// testEngines returns the embedded engine, always, and the real Elasticsearch named by
// PLANSTORE_TEST_ES_URL when set.
func testEngines(t testing.TB) []engine {
	t.Helper()
	var out []engine
	if e, ok := embeddedEngine(t); ok {
		out = append(out, e)
	}
	if url := os.Getenv("PLANSTORE_TEST_ES_URL"); url != "" {
		c, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: strings.Split(url, ",")})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, engine{name: "elasticsearch", client: c})
	}
	if len(out) == 0 {
		t.Skip("no engine: the embedded one is not built yet and PLANSTORE_TEST_ES_URL is unset")
	}
	return out
}

// loadExample creates index with the read model's mapping, projects the example plan
// into it and refreshes it.
func loadExample(t *testing.T, client *elasticsearch.Client, index string) {
	t.Helper()
	ctx := context.Background()
	if err := elastic.CreateIndex(ctx, client, index); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = elastic.DeleteIndex(context.Background(), client, index) })
	plan, err := os.ReadFile("../../projections/testdata/plan.json")
	if err != nil {
		t.Fatal(err)
	}
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

func uniqueIndex(t testing.TB) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "planstore-test-" + hex.EncodeToString(b)
}
