// Package dsltest is a conformance suite for the Elasticsearch Query DSL subset planstore
// relies on (docs/contract.md 3) and for the document API behaviour its projections
// depend on (join routing, external versioning). It runs through any
// *elasticsearch.Client, so the same cases check the embedded engine and a real cluster;
// the real cluster is the reference.
package dsltest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// Run creates a uniquely named index with IndexBody, indexes the
// fixtures with routing, and runs every case as a subtest, then the document API
// checks. The index is deleted when the test ends.
func Run(t *testing.T, client *elasticsearch.Client) {
	t.Helper()
	index := createIndex(t, client, "dsltest")
	indexDocs(t, client, index, fixtureDocs())
	for _, c := range Cases {
		t.Run("dsl/"+c.Name, func(t *testing.T) { runCase(t, client, index, c) })
	}
	runAPICases(t, client)
	runTextCases(t, client)
	runIgnoreAbove(t, client)
}

// indexDocs indexes docs with their routing in one refreshed _bulk, so searches see them
// at once, and fails the test unless every item succeeds.
func indexDocs(t *testing.T, client *elasticsearch.Client, index string, docs []fixtureDoc) {
	t.Helper()
	body, err := bulkBody(docs)
	if err != nil {
		t.Fatalf("building the _bulk body: %v", err)
	}
	res := on(t).call(client.Bulk(bytes.NewReader(body), client.Bulk.WithIndex(index), client.Bulk.WithRefresh("true")))
	if res.status != 200 || res.body["errors"] != false {
		t.Fatalf("indexing %d documents into %s: status %d: %s", len(docs), index, res.status, res.raw)
	}
}

// createIndex makes an index with a unique name and the suite's mapping, IndexBody.
func createIndex(t *testing.T, client *elasticsearch.Client, prefix string) string {
	t.Helper()
	name := prefix + "-" + randomSuffix(t)
	res := on(t).call(client.Indices.Create(name, client.Indices.Create.WithBody(strings.NewReader(IndexBody))))
	if res.status != 200 {
		t.Fatalf("creating index %s: status %d: %s", name, res.status, res.raw)
	}
	t.Cleanup(func() {
		del, err := client.Indices.Delete([]string{name})
		if err != nil {
			t.Errorf("deleting index %s: %v", name, err)
			return
		}
		_ = del.Body.Close()
	})
	return name
}

func randomSuffix(t *testing.T) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("random index name: %v", err)
	}
	return hex.EncodeToString(b[:])
}

// response is a decoded Elasticsearch answer.
type response struct {
	status int
	body   map[string]any
	raw    []byte
}

// caller decodes responses for one test; a method value lets call sites pass an esapi
// call's two results straight through: on(t).call(client.Get(...)).
type caller struct{ t *testing.T }

func on(t *testing.T) caller { return caller{t} }

func (c caller) call(res *esapi.Response, err error) response {
	t := c.t
	t.Helper()
	if err != nil {
		t.Fatalf("request failed: %v", err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	out := response{status: res.StatusCode, raw: raw}
	if len(raw) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&out.body); err != nil {
			t.Fatalf("decoding response %q: %v", raw, err)
		}
	}
	return out
}

func runCase(t *testing.T, client *elasticsearch.Client, index string, c Case) {
	var res response
	if c.Count {
		res = on(t).call(client.Count(client.Count.WithIndex(index), client.Count.WithBody(strings.NewReader(c.Body)), client.Count.WithContext(context.Background())))
	} else {
		opts := []func(*esapi.SearchRequest){client.Search.WithIndex(index), client.Search.WithBody(strings.NewReader(c.Body))}
		if !strings.Contains(c.Body, `"size"`) && c.Err == nil {
			opts = append(opts, client.Search.WithSize(100))
		}
		res = on(t).call(client.Search(opts...))
	}
	if c.Err != nil {
		if c.SkipIfAccepted != "" && res.status/100 == 2 {
			t.Skip(c.SkipIfAccepted)
		}
		checkError(t, res, *c.Err)
		return
	}
	if res.status != 200 {
		t.Fatalf("status %d: %s", res.status, res.raw)
	}
	if c.Count {
		if got := fmt.Sprint(res.body["count"]); c.Total != nil && got != fmt.Sprint(*c.Total) {
			t.Fatalf("count = %s, want %d", got, *c.Total)
		}
		return
	}
	hits, _ := res.body["hits"].(map[string]any)
	checkTotal(t, hits, c)
	if c.MaxScore != nil {
		got, err := strconv.ParseFloat(fmt.Sprint(hits["max_score"]), 64)
		if err != nil || got != *c.MaxScore {
			t.Fatalf("hits.max_score = %v, want %v", hits["max_score"], *c.MaxScore)
		}
	}
	if c.IDs == nil {
		return
	}
	checkTypes(t, hits)
	got := hitIDs(hits)
	want := slices.Clone(c.IDs)
	if !c.Ordered {
		slices.Sort(got)
		slices.Sort(want)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ids = %v, want %v", got, want)
	}
	if c.Sort != nil {
		checkSortValues(t, hits, index, c.Sort)
	}
	if c.Matched != nil {
		checkHitField(t, hits, "matched_queries", c.Matched)
	}
}

// checkHitField compares one field of each hit, as JSON ("" when absent), in hit order.
func checkHitField(t *testing.T, hits map[string]any, key string, want []string) {
	t.Helper()
	list, _ := hits["hits"].([]any)
	if len(list) != len(want) {
		t.Fatalf("%d hits, want %s for %d", len(list), key, len(want))
	}
	for i, h := range list {
		m, _ := h.(map[string]any)
		got := ""
		if v, present := m[key]; present {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			got = string(b)
		}
		if got != want[i] {
			t.Errorf("hit %d (%v): %s = %s, want %s", i, m["_id"], key, got, want[i])
		}
	}
}

// checkSortValues compares each hit's sort values, as JSON, with the expected ones.
func checkSortValues(t *testing.T, hits map[string]any, index string, want []string) {
	t.Helper()
	list, _ := hits["hits"].([]any)
	if len(list) != len(want) {
		t.Fatalf("%d hits, want sort values for %d", len(list), len(want))
	}
	for i, h := range list {
		m, _ := h.(map[string]any)
		got, err := json.Marshal(m["sort"])
		if err != nil {
			t.Fatal(err)
		}
		if w := strings.ReplaceAll(want[i], "INDEX", index); string(got) != w {
			t.Errorf("hit %d (%v): sort = %s, want %s", i, m["_id"], got, w)
		}
	}
}

func checkTotal(t *testing.T, hits map[string]any, c Case) {
	t.Helper()
	totalObj, present := hits["total"].(map[string]any)
	if c.NoTotal {
		if _, has := hits["total"]; has {
			t.Fatalf("hits.total = %v, want none", hits["total"])
		}
		return
	}
	if !present {
		t.Fatalf("hits.total missing in %v", hits)
	}
	want := c.Total
	if want == nil && c.IDs != nil {
		n := len(c.IDs)
		want = &n
	}
	if want != nil && fmt.Sprint(totalObj["value"]) != fmt.Sprint(*want) {
		t.Fatalf("hits.total.value = %v, want %d", totalObj["value"], *want)
	}
	relation := c.Relation
	if relation == "" {
		relation = "eq"
	}
	if totalObj["relation"] != relation {
		t.Fatalf("hits.total.relation = %v, want %s", totalObj["relation"], relation)
	}
}

// checkTypes: Elasticsearch 7 gives every hit "_type": "_doc".
func checkTypes(t *testing.T, hits map[string]any) {
	t.Helper()
	list, _ := hits["hits"].([]any)
	for _, h := range list {
		if m, _ := h.(map[string]any); m["_type"] != "_doc" {
			t.Fatalf("hit %v: _type = %v, want _doc", m["_id"], m["_type"])
		}
	}
}

func hitIDs(hits map[string]any) []string {
	list, _ := hits["hits"].([]any)
	ids := make([]string, 0, len(list))
	for _, h := range list {
		if m, ok := h.(map[string]any); ok {
			ids = append(ids, fmt.Sprint(m["_id"]))
		}
	}
	return ids
}

func checkError(t *testing.T, res response, want WantError) {
	t.Helper()
	if res.status != want.Status {
		t.Fatalf("status = %d, want %d: %s", res.status, want.Status, res.raw)
	}
	errObj, _ := res.body["error"].(map[string]any)
	if errObj == nil {
		t.Fatalf("no error object in %s", res.raw)
	}
	if errObj["type"] != want.Type {
		t.Fatalf("error.type = %v, want %s: %s", errObj["type"], want.Type, res.raw)
	}
	roots, _ := errObj["root_cause"].([]any)
	if len(roots) == 0 {
		t.Fatalf("no root_cause in %s", res.raw)
	}
	root, _ := roots[0].(map[string]any)
	if want.RootCause != "" && root["type"] != want.RootCause {
		t.Fatalf("root_cause[0].type = %v, want %s: %s", root["type"], want.RootCause, res.raw)
	}
	if want.Reason != "" && !strings.Contains(fmt.Sprint(root["reason"]), want.Reason) {
		t.Fatalf("root_cause[0].reason = %v, want it to contain %q", root["reason"], want.Reason)
	}
}
