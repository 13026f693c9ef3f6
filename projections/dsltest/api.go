package dsltest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
)

// runAPICases checks the document and index API behaviour the projections rely on:
// external versions with delete tombstones, routing of join children, strict mappings,
// _bulk item reporting and alias moves.
func runAPICases(t *testing.T, client *elasticsearch.Client) {
	t.Run("api/external versions and tombstones", func(t *testing.T) { apiExternalVersions(t, client) })
	t.Run("api/join children need routing", func(t *testing.T) { apiChildRouting(t, client) })
	t.Run("api/strict mapping", func(t *testing.T) { apiStrictMapping(t, client) })
	t.Run("api/bulk items", func(t *testing.T) { apiBulk(t, client) })
	t.Run("api/missing index", func(t *testing.T) { apiMissingIndex(t, client) })
	t.Run("api/alias move", func(t *testing.T) { apiAliasMove(t, client) })
	t.Run("api/replica settings", func(t *testing.T) { apiReplicaSettings(t, client) })
}

const planDoc = `{"objectId":"%s","objectType":"plan","_org":"example.com","plan_join":"plan"}`

func wantStatus(t *testing.T, res response, status int, what string) {
	t.Helper()
	if res.status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, res.status, status, res.raw)
	}
}

func wantField(t *testing.T, res response, key string, want any, what string) {
	t.Helper()
	if got := fmt.Sprint(res.body[key]); got != fmt.Sprint(want) {
		t.Fatalf("%s: %s = %s, want %v: %s", what, key, got, want, res.raw)
	}
}

func errorType(res response) string {
	e, _ := res.body["error"].(map[string]any)
	return fmt.Sprint(e["type"])
}

func apiExternalVersions(t *testing.T, client *elasticsearch.Client) {
	index := createIndex(t, client, "dsltest-api")
	put := func(version int) response {
		return on(t).call(client.Index(index, strings.NewReader(fmt.Sprintf(planDoc, "v1")),
			client.Index.WithDocumentID("v1"), client.Index.WithRouting("v1"),
			client.Index.WithVersion(version), client.Index.WithVersionType("external")))
	}
	res := put(5)
	wantStatus(t, res, 201, "first write")
	wantField(t, res, "_version", 5, "first write")
	wantField(t, res, "result", "created", "first write")

	res = put(5)
	wantStatus(t, res, 409, "same version again")
	if errorType(res) != "version_conflict_engine_exception" {
		t.Fatalf("same version again: %s", res.raw)
	}
	res = put(6)
	wantStatus(t, res, 200, "newer version")
	wantField(t, res, "result", "updated", "newer version")

	res = on(t).call(client.Delete(index, "v1", client.Delete.WithRouting("v1"), client.Delete.WithVersion(4), client.Delete.WithVersionType("external")))
	wantStatus(t, res, 409, "older delete")
	res = on(t).call(client.Delete(index, "v1", client.Delete.WithRouting("v1"), client.Delete.WithVersion(7), client.Delete.WithVersionType("external")))
	wantStatus(t, res, 200, "delete")
	wantField(t, res, "result", "deleted", "delete")
	wantField(t, res, "_version", 7, "delete")

	// The tombstone keeps version 7: an older write arriving late must not resurrect it.
	res = put(6)
	wantStatus(t, res, 409, "older write after delete")
	res = put(8)
	wantStatus(t, res, 201, "newer write after delete")
	wantField(t, res, "result", "created", "newer write after delete")

	res = on(t).call(client.Get(index, "v1"))
	wantStatus(t, res, 200, "get")
	wantField(t, res, "_version", 8, "get")
	wantField(t, res, "_routing", "v1", "get")
	wantField(t, res, "found", true, "get")

	res = on(t).call(client.Get(index, "nope"))
	wantStatus(t, res, 404, "get missing")
	wantField(t, res, "found", false, "get missing")

	// Deleting a document that never existed still records the version.
	res = on(t).call(client.Delete(index, "ghost", client.Delete.WithVersion(3), client.Delete.WithVersionType("external")))
	wantStatus(t, res, 404, "delete missing")
	wantField(t, res, "result", "not_found", "delete missing")
	res = on(t).call(client.Index(index, strings.NewReader(fmt.Sprintf(planDoc, "ghost")),
		client.Index.WithDocumentID("ghost"), client.Index.WithRouting("ghost"),
		client.Index.WithVersion(2), client.Index.WithVersionType("external")))
	wantStatus(t, res, 409, "older write after a delete of nothing")

	// Internal versioning is refused as a concurrency check.
	res = on(t).call(client.Index(index, strings.NewReader(fmt.Sprintf(planDoc, "v2")),
		client.Index.WithDocumentID("v2"), client.Index.WithVersion(1)))
	wantStatus(t, res, 400, "internal version")
	if errorType(res) != "action_request_validation_exception" {
		t.Fatalf("internal version: %s", res.raw)
	}
}

func apiChildRouting(t *testing.T, client *elasticsearch.Client) {
	index := createIndex(t, client, "dsltest-api")
	child := `{"objectId":"c1","objectType":"membercostshare","copay":1,"plan_join":{"name":"planCostShare","parent":"p1"}}`
	res := on(t).call(client.Index(index, strings.NewReader(child), client.Index.WithDocumentID("c1")))
	wantStatus(t, res, 400, "child without routing")
	e, _ := res.body["error"].(map[string]any)
	cause, _ := e["caused_by"].(map[string]any)
	if e["type"] != "mapper_parsing_exception" || !strings.Contains(fmt.Sprint(cause["reason"]), "[routing] is missing for join field [plan_join]") {
		t.Fatalf("child without routing: %s", res.raw)
	}
	res = on(t).call(client.Index(index, strings.NewReader(child), client.Index.WithDocumentID("c1"), client.Index.WithRouting("p1"), client.Index.WithRefresh("true")))
	wantStatus(t, res, 201, "child with routing")
	res = on(t).call(client.Search(client.Search.WithIndex(index), client.Search.WithBody(strings.NewReader(`{"query":{"parent_id":{"type":"planCostShare","id":"p1"}}}`))))
	wantStatus(t, res, 200, "search child")
	hits := res.body["hits"].(map[string]any)["hits"].([]any)
	if len(hits) != 1 || hits[0].(map[string]any)["_routing"] != "p1" {
		t.Fatalf("child hit should carry _routing p1: %s", res.raw)
	}
}

func apiStrictMapping(t *testing.T, client *elasticsearch.Client) {
	index := createIndex(t, client, "dsltest-api")
	res := on(t).call(client.Index(index, strings.NewReader(`{"objectId":"x","surprise":1}`), client.Index.WithDocumentID("x")))
	wantStatus(t, res, 400, "unknown field")
	if errorType(res) != "strict_dynamic_mapping_exception" {
		t.Fatalf("unknown field: %s", res.raw)
	}
	res = on(t).call(client.Index(index, strings.NewReader(`{"copay":"abc"}`), client.Index.WithDocumentID("x")))
	wantStatus(t, res, 400, "not a number")
	if errorType(res) != "mapper_parsing_exception" {
		t.Fatalf("not a number: %s", res.raw)
	}
	res = on(t).call(client.Indices.Create(index, client.Indices.Create.WithBody(strings.NewReader(`{}`))))
	wantStatus(t, res, 400, "create twice")
	if errorType(res) != "resource_already_exists_exception" {
		t.Fatalf("create twice: %s", res.raw)
	}
}

func apiBulk(t *testing.T, client *elasticsearch.Client) {
	index := createIndex(t, client, "dsltest-api")
	lines := []string{
		`{"index":{"_id":"b1","routing":"b1","version":3,"version_type":"external"}}`, fmt.Sprintf(planDoc, "b1"),
		`{"index":{"_id":"b1-pcs","routing":"b1"}}`, `{"objectId":"b1-pcs","copay":2,"plan_join":{"name":"planCostShare","parent":"b1"}}`,
		`{"index":{"_id":"orphan"}}`, `{"objectId":"orphan","plan_join":{"name":"planCostShare","parent":"b1"}}`,
		`{"index":{"_id":"b1","routing":"b1","version":2,"version_type":"external"}}`, fmt.Sprintf(planDoc, "b1"),
		`{"delete":{"_id":"never"}}`,
		`{"create":{"_id":"b1","routing":"b1"}}`, fmt.Sprintf(planDoc, "b1"),
		`{"delete":{"_id":"b1-pcs","routing":"b1"}}`,
	}
	body := strings.Join(lines, "\n") + "\n"
	res := on(t).call(client.Bulk(bytes.NewReader([]byte(body)), client.Bulk.WithIndex(index), client.Bulk.WithRefresh("true")))
	wantStatus(t, res, 200, "bulk")
	wantField(t, res, "errors", true, "bulk")
	type want struct {
		action, result, errType string
		status                  int
	}
	wants := []want{
		{"index", "created", "", 201},
		{"index", "created", "", 201},
		{"index", "", "mapper_parsing_exception", 400},
		{"index", "", "version_conflict_engine_exception", 409},
		{"delete", "not_found", "", 404},
		{"create", "", "version_conflict_engine_exception", 409},
		{"delete", "deleted", "", 200},
	}
	items, _ := res.body["items"].([]any)
	if len(items) != len(wants) {
		t.Fatalf("bulk: %d items, want %d: %s", len(items), len(wants), res.raw)
	}
	for i, w := range wants {
		item, _ := items[i].(map[string]any)[w.action].(map[string]any)
		if item == nil {
			t.Fatalf("item %d: no %q entry: %v", i, w.action, items[i])
		}
		if fmt.Sprint(item["status"]) != fmt.Sprint(w.status) {
			t.Errorf("item %d: status %v, want %d: %v", i, item["status"], w.status, item)
		}
		if item["_index"] != index {
			t.Errorf("item %d: _index %v, want %s", i, item["_index"], index)
		}
		if w.result != "" && item["result"] != w.result {
			t.Errorf("item %d: result %v, want %s", i, item["result"], w.result)
		}
		if w.errType != "" {
			e, _ := item["error"].(map[string]any)
			if e["type"] != w.errType {
				t.Errorf("item %d: error %v, want %s", i, item["error"], w.errType)
			}
		}
	}
	res = on(t).call(client.Count(client.Count.WithIndex(index)))
	wantField(t, res, "count", 1, "count after bulk")
}

func apiMissingIndex(t *testing.T, client *elasticsearch.Client) {
	name := "dsltest-missing-" + randomSuffix(t)
	res := on(t).call(client.Search(client.Search.WithIndex(name)))
	wantStatus(t, res, 404, "search missing index")
	if errorType(res) != "index_not_found_exception" {
		t.Fatalf("search missing index: %s", res.raw)
	}
	res = on(t).call(client.Get(name, "x"))
	wantStatus(t, res, 404, "get from missing index")
	if errorType(res) != "index_not_found_exception" {
		t.Fatalf("get from missing index: %s", res.raw)
	}
	res = on(t).call(client.Indices.Exists([]string{name}))
	wantStatus(t, res, 404, "exists on missing index")
}

func apiAliasMove(t *testing.T, client *elasticsearch.Client) {
	oldIndex := createIndex(t, client, "dsltest-alias")
	newIndex := createIndex(t, client, "dsltest-alias")
	alias := "dsltest-alias-" + randomSuffix(t)
	res := on(t).call(client.Indices.UpdateAliases(strings.NewReader(fmt.Sprintf(`{"actions":[{"add":{"index":%q,"alias":%q}}]}`, oldIndex, alias))))
	wantStatus(t, res, 200, "add alias")

	res = on(t).call(client.Index(alias, strings.NewReader(fmt.Sprintf(planDoc, "a1")), client.Index.WithDocumentID("a1"), client.Index.WithRouting("a1"), client.Index.WithRefresh("true")))
	wantStatus(t, res, 201, "write through alias")
	wantField(t, res, "_index", oldIndex, "write through alias")
	res = on(t).call(client.Index(newIndex, strings.NewReader(fmt.Sprintf(planDoc, "a2")), client.Index.WithDocumentID("a2"), client.Index.WithRouting("a2"), client.Index.WithRefresh("true")))
	wantStatus(t, res, 201, "write to the new index")

	res = on(t).call(client.Get(alias, "a1"))
	wantStatus(t, res, 200, "get through alias")
	wantField(t, res, "_index", oldIndex, "get through alias")

	res = on(t).call(client.Indices.UpdateAliases(strings.NewReader(fmt.Sprintf(
		`{"actions":[{"remove":{"index":%q,"alias":%q}},{"add":{"index":%q,"alias":%q}}]}`, oldIndex, alias, newIndex, alias))))
	wantStatus(t, res, 200, "move alias")
	res = on(t).call(client.Search(client.Search.WithIndex(alias)))
	wantStatus(t, res, 200, "search through alias")
	if ids := hitIDs(res.body["hits"].(map[string]any)); len(ids) != 1 || ids[0] != "a2" {
		t.Fatalf("after the move the alias should show a2 only, got %v", ids)
	}
	res = on(t).call(client.Indices.GetAlias(client.Indices.GetAlias.WithName(alias)))
	wantStatus(t, res, 200, "get alias")
	if _, onNew := res.body[newIndex]; !onNew || len(res.body) != 1 {
		t.Fatalf("get alias: %s", res.raw)
	}
	res = on(t).call(client.Indices.ExistsAlias([]string{alias}))
	wantStatus(t, res, 200, "alias exists")

	// A term on _index naming the alias matches every document of the index behind it.
	res = on(t).call(client.Search(client.Search.WithIndex(alias), client.Search.WithBody(strings.NewReader(fmt.Sprintf(`{"query":{"term":{"_index":%q}}}`, alias)))))
	wantStatus(t, res, 200, "term on _index by alias")
	if ids := hitIDs(res.body["hits"].(map[string]any)); len(ids) != 1 || ids[0] != "a2" {
		t.Fatalf("term on _index naming the alias should match a2, got %v", ids)
	}

	res = on(t).call(client.Indices.UpdateAliases(strings.NewReader(fmt.Sprintf(
		`{"actions":[{"add":{"index":%q,"alias":%q}},{"remove_index":{"index":"no-such-index-%s"}}]}`, oldIndex, alias, randomSuffix(t)))))
	wantStatus(t, res, 404, "failing alias actions")
	res = on(t).call(client.Indices.GetAlias(client.Indices.GetAlias.WithName(alias)))
	if len(res.body) != 1 {
		t.Fatalf("a failed action list must change nothing: %s", res.raw)
	}
}

// apiReplicaSettings: the read model's index asks for a replica wherever there is a
// second node (auto_expand_replicas "0-1"); the setting must round-trip through GET
// _settings, and a malformed range must be refused when the index is created.
func apiReplicaSettings(t *testing.T, client *elasticsearch.Client) {
	index := createIndex(t, client, "dsltest-api")
	settings := func(name string) map[string]any {
		t.Helper()
		res := on(t).call(client.Indices.GetSettings(client.Indices.GetSettings.WithIndex(name)))
		wantStatus(t, res, 200, "get settings of "+name)
		entry, _ := res.body[name].(map[string]any)
		s, _ := entry["settings"].(map[string]any)
		ix, _ := s["index"].(map[string]any)
		if ix == nil {
			t.Fatalf("get settings of %s: no settings.index: %s", name, res.raw)
		}
		return ix
	}
	got := settings(index)
	if got["auto_expand_replicas"] != "0-1" {
		t.Fatalf("auto_expand_replicas = %v, want 0-1", got["auto_expand_replicas"])
	}
	// One replica when the cluster has a second node, none on a single node.
	if r := got["number_of_replicas"]; r != "0" && r != "1" {
		t.Fatalf("number_of_replicas = %v, want 0 or 1", r)
	}

	all := "dsltest-api-" + randomSuffix(t)
	res := on(t).call(client.Indices.Create(all, client.Indices.Create.WithBody(strings.NewReader(`{"settings":{"index":{"auto_expand_replicas":"0-all"}}}`))))
	wantStatus(t, res, 200, "create with 0-all")
	t.Cleanup(func() { _ = on(t).call(client.Indices.Delete([]string{all})) })
	if got := settings(all)["auto_expand_replicas"]; got != "0-all" {
		t.Fatalf("auto_expand_replicas = %v, want 0-all", got)
	}

	for value, reason := range map[string]string{
		`"garbage"`: "failed to parse [index.auto_expand_replicas] from value: [garbage] at index -1",
		`"one-2"`:   "failed to parse [index.auto_expand_replicas] from value: [one-2] at index 3",
		`"2-1"`:     "[index.auto_expand_replicas] minReplicas must be =< maxReplicas but wasn't 2 > 1",
	} {
		name := "dsltest-api-" + randomSuffix(t)
		res := on(t).call(client.Indices.Create(name, client.Indices.Create.WithBody(strings.NewReader(`{"settings":{"auto_expand_replicas":`+value+`}}`))))
		if res.status == 200 {
			_ = on(t).call(client.Indices.Delete([]string{name}))
		}
		checkError(t, res, WantError{Status: 400, Type: "illegal_argument_exception", Reason: reason})
	}
}
