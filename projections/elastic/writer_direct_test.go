package elastic

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/planstore/planstore/projections"
	"github.com/planstore/planstore/projections/esengine"
)

// TestDirectWritesMatchBulkRequests: a writer handing actions straight to the engine in
// this process (WriterConfig.Direct) answers every write as a writer sending _bulk
// requests to the same engine does, and leaves the same documents, versions and
// routings behind: stale versions and deletes of missing documents succeed, refusals
// fail with the same status and type.
func TestDirectWritesMatchBulkRequests(t *testing.T) {
	type side struct {
		client *elasticsearch.Client
		w      *Writer
	}
	open := func(direct bool) side {
		engine := esengine.New()
		client, err := esengine.NewClient(engine)
		if err != nil {
			t.Fatal(err)
		}
		if err := CreateIndex(context.Background(), client, "direct-test"); err != nil {
			t.Fatal(err)
		}
		cfg := WriterConfig{Index: "direct-test"}
		if direct {
			cfg.Direct = engine
		}
		w, err := NewWriter(client, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = w.Close() })
		return side{client, w}
	}
	bulk, direct := open(false), open(true)

	source := func(id, extra string) projections.Action {
		a := indexAction(id, 1)
		a.Doc.Source = []byte(fmt.Sprintf(`{"objectId":%q,"objectType":"plan"%s}`, id, extra))
		return a
	}
	at := func(a projections.Action, v int64) projections.Action { a.Version = v; return a }
	steps := [][]projections.Action{
		{indexAction("a", 1), indexAction("b", 1), source("c", `,"planType":"inNetwork"`)},
		{indexAction("a", 1)},        // stale: a redelivery
		{deleteAction("missing", 1)}, // already gone
		{deleteAction("b", 2), at(indexAction("a", 1), 3)},
		{indexAction("b", 1)},                         // older than the delete's tombstone
		{source("d", `,"creationDate":"not a date"`)}, // the mapping refuses it
		{source("e", `,"linkedPlanServices":[1,2]`), indexAction("f", 2)},
		{{Op: projections.OpIndex, Doc: projections.Doc{ID: "g", Routing: "p", Source: []byte(`[1]`)}, Version: 1}},
	}
	for i, actions := range steps {
		errBulk := bulk.w.Write(context.Background(), actions...)
		errDirect := direct.w.Write(context.Background(), actions...)
		if got, want := itemErrors(errDirect), itemErrors(errBulk); got != want {
			t.Errorf("step %d: direct answered %q (%v), _bulk %q (%v)", i, got, errDirect, want, errBulk)
		}
	}
	if got, want := allDocs(t, direct.client), allDocs(t, bulk.client); got != want {
		t.Errorf("direct writes left\n%s\n_bulk requests\n%s", got, want)
	}
	if got, want := direct.w.Stats().Failed, bulk.w.Stats().Failed; got != want {
		t.Errorf("failed actions: direct %d, _bulk %d", got, want)
	}

	// An alias that does not exist, with require_alias: refused alike, nothing created.
	for _, s := range []side{bulk, direct} {
		cfg := WriterConfig{Index: "no-such-alias", RequireAlias: true}
		if s == direct {
			cfg.Direct = s.w.cfg.Direct
		}
		w, err := NewWriter(s.client, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := itemErrors(w.Write(context.Background(), indexAction("h", 1))); got != "index h 404 index_not_found_exception" {
			t.Errorf("write to a missing alias (direct %v): %s", s == direct, got)
		}
		_ = w.Close()
	}
}

// itemErrors lists the status and type of every *ItemError in err.
func itemErrors(err error) string {
	if err == nil {
		return "ok"
	}
	var out []string
	var walk func(error)
	walk = func(err error) {
		var item *ItemError
		if errors.As(err, &item) && item != nil {
			if joined, ok := err.(interface{ Unwrap() []error }); ok {
				for _, e := range joined.Unwrap() {
					walk(e)
				}
				return
			}
			out = append(out, fmt.Sprintf("%s %s %d %s", item.Op, item.ID, item.Status, item.Type))
			return
		}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				walk(e)
			}
			return
		}
		if next := errors.Unwrap(err); next != nil {
			walk(next)
			return
		}
		out = append(out, "failed")
	}
	walk(err)
	return strings.Join(out, "; ")
}

// allDocs renders every document of the test index with its version and routing.
func allDocs(t *testing.T, client *elasticsearch.Client) string {
	t.Helper()
	ctx := context.Background()
	if err := Refresh(ctx, client, "direct-test"); err != nil {
		t.Fatal(err)
	}
	api := client.Search
	res, err := api(api.WithContext(ctx), api.WithIndex("direct-test"), api.WithVersion(true),
		api.WithBody(strings.NewReader(`{"size":100,"sort":[{"_id":"asc"}],"query":{"match_all":{}}}`)))
	body, err := do("search", res, err)
	if err != nil {
		t.Fatal(err)
	}
	// Scores and took differ between runs; hits are what the writes left.
	_, hits, _ := strings.Cut(string(body), `"hits":[`)
	return hits
}
