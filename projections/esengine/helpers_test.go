package esengine

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// rest sends one raw request through the engine's RoundTrip and decodes the answer.
func rest(t *testing.T, e *Engine, method, path, body string) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://engine"+path, r)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = res.Body.Close() }()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.Header.Get("X-Elastic-Product") != "Elasticsearch" {
		t.Fatalf("%s %s: missing X-Elastic-Product", method, path)
	}
	var out map[string]any
	if len(data) > 0 {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&out); err != nil {
			t.Fatalf("%s %s: body %q: %v", method, path, data, err)
		}
	}
	return res.StatusCode, out
}

func mustStatus(t *testing.T, want int, e *Engine, method, path, body string) map[string]any {
	t.Helper()
	status, out := rest(t, e, method, path, body)
	if status != want {
		t.Fatalf("%s %s %s: status %d, want %d: %v", method, path, body, status, want, out)
	}
	return out
}

// newPlansIndex returns an engine with the read model's index created.
func newPlansIndex(t *testing.T, opts ...Option) *Engine {
	t.Helper()
	e := New(opts...)
	mustStatus(t, 200, e, "PUT", "/plans-test", joinIndexBody)
	return e
}

// searchIDs runs a search on plans-test and returns the hit ids in order.
func searchIDs(t *testing.T, e *Engine, body string) []string {
	t.Helper()
	out := mustStatus(t, 200, e, "POST", "/plans-test/_search?size=1000", body)
	var ids []string
	for _, h := range out["hits"].(map[string]any)["hits"].([]any) {
		ids = append(ids, h.(map[string]any)["_id"].(string))
	}
	return ids
}

func errType(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	t, _ := e["type"].(string)
	return t
}
