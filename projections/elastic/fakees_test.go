package elastic

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
)

// fakeES answers _bulk like Elasticsearch with external versioning, and nothing else.
// It lets the writer's batching and outcome mapping be tested without any engine.
type fakeES struct {
	mu       sync.Mutex
	versions map[string]int64 // id -> version, tombstones included
	live     map[string]json.RawMessage
	bulks    []*http.Request
	sizes    []int
	gate     chan struct{} // when set, every bulk waits for a token
	fail     func(id string) (status int, typ string)
	status   int // when set, every bulk fails with it
}

func newFakeES() *fakeES {
	return &fakeES{versions: map[string]int64{}, live: map[string]json.RawMessage{}}
}

func (f *fakeES) client(t testing.TB) *elasticsearch.Client {
	t.Helper()
	c, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{"http://fake:9200"}, Transport: f})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fakeES) RoundTrip(req *http.Request) (*http.Response, error) {
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	if !strings.HasSuffix(req.URL.Path, "/_bulk") {
		return answer(http.StatusBadRequest, `{"error":{"type":"fake","reason":"only _bulk"},"status":400}`), nil
	}
	if f.status != 0 {
		return answer(f.status, `{"error":{"type":"fake_failure","reason":"told to fail"},"status":500}`), nil
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bulks = append(f.bulks, req)
	var items []string
	errorsSeen := false
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var meta map[string]struct {
			ID      string `json:"_id"`
			Version int64  `json:"version"`
			Type    string `json:"version_type"`
		}
		if err := json.Unmarshal(sc.Bytes(), &meta); err != nil {
			return nil, fmt.Errorf("fake: bad meta line %q: %w", sc.Bytes(), err)
		}
		for op, m := range meta {
			var src json.RawMessage
			if op == "index" {
				sc.Scan()
				src = append(json.RawMessage(nil), sc.Bytes()...)
			}
			item := f.apply(op, m.ID, m.Version, src)
			if strings.Contains(item, `"error"`) {
				errorsSeen = true
			}
			items = append(items, fmt.Sprintf(`{%q:%s}`, op, item))
		}
	}
	f.sizes = append(f.sizes, len(items))
	return answer(http.StatusOK, fmt.Sprintf(`{"took":1,"errors":%t,"items":[%s]}`, errorsSeen, strings.Join(items, ","))), nil
}

func (f *fakeES) apply(op, id string, version int64, src json.RawMessage) string {
	if f.fail != nil {
		if status, typ := f.fail(id); status != 0 {
			return fmt.Sprintf(`{"_id":%q,"status":%d,"error":{"type":%q,"reason":"told to fail"}}`, id, status, typ)
		}
	}
	if cur, ok := f.versions[id]; ok && cur >= version {
		return fmt.Sprintf(`{"_id":%q,"status":409,"error":{"type":"version_conflict_engine_exception","reason":"[%s]: version conflict, current version [%d] is higher or equal to the one provided [%d]"}}`, id, id, cur, version)
	}
	f.versions[id] = version
	if op == "delete" {
		_, existed := f.live[id]
		delete(f.live, id)
		if !existed {
			return fmt.Sprintf(`{"_id":%q,"result":"not_found","status":404}`, id)
		}
		return fmt.Sprintf(`{"_id":%q,"result":"deleted","status":200}`, id)
	}
	f.live[id] = src
	return fmt.Sprintf(`{"_id":%q,"result":"created","status":201}`, id)
}

func (f *fakeES) snapshot() (live map[string]json.RawMessage, sizes []int, bulks []*http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	live = make(map[string]json.RawMessage, len(f.live))
	for k, v := range f.live {
		live[k] = v
	}
	return live, append([]int(nil), f.sizes...), append([]*http.Request(nil), f.bulks...)
}

func answer(status int, body string) *http.Response {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Elastic-Product", "Elasticsearch")
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body))}
}
