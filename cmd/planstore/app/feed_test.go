package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/testenv"
)

// feedEntry is one event of GET /v1/events.
type feedEntry struct {
	Position string `json:"position"`
	Event    struct {
		Type        string `json:"type"`
		AggregateID string `json:"aggregate_id"`
		Version     int64  `json:"version"`
	} `json:"event"`
}

func (e feedEntry) key() string { return fmt.Sprintf("%s@%d", e.Event.AggregateID, e.Event.Version) }

func TestEventFeedEmbedded(t *testing.T) { testEventFeed(t) }

func TestEventFeedOnRedis(t *testing.T) {
	testenv.Redis(t, redisDBApp)
	testEventFeed(t, func(c *app.Config) { c.RedisURL = testenv.RedisURL(redisDBApp) })
}

// testEventFeed: the feed pages through every event exactly once, per plan in version
// order; filters work; the SSE stream delivers the same and resumes after Last-Event-ID
// with no gap and no duplicate.
func testEventFeed(t *testing.T, mutate ...func(*app.Config)) {
	dir := t.TempDir()
	m := startServe(t, dir, mutate...)
	c := newClient(t, m, dir)
	want := writeSomePlans(t, c, "feed-a", 6)

	all := pageFeed(t, c, "limit=4")
	assertEveryEventOnce(t, want, all)

	deletes := pageFeed(t, c, "type=plan.deleted&limit=2")
	for _, e := range deletes {
		if e.Event.Type != "plan.deleted" {
			t.Fatalf("type filter let %s through", e.Event.Type)
		}
	}
	one := pageFeed(t, c, "plan="+url.QueryEscape(all[0].Event.AggregateID))
	for _, e := range one {
		if e.Event.AggregateID != all[0].Event.AggregateID {
			t.Fatalf("plan filter let %s through", e.key())
		}
	}
	expectProblem(t, c.do(http.MethodGet, "/v1/events?after=nonsense", nil), http.StatusBadRequest)
	expectProblem(t, c.do(http.MethodGet, "/v1/events?type=plan.exploded", nil), http.StatusBadRequest)

	// SSE: read half, drop the connection, resume from the last id; then more writes
	// arrive live on the resumed stream.
	half := len(all) / 2
	first := readSSE(t, c, "", half)
	assertSameKeys(t, all[:half], first)
	more := writeSomePlans(t, c, "feed-b", 2)
	rest := readSSE(t, c, first[len(first)-1].Position, len(all)-half+len(more))
	assertEveryEventOnce(t, append(want, more...), append(first, rest...))

	// Live: a stream resumed at the end gets a plan created while it waits (the create
	// is sent a little after the stream opens; were it first, the stream still has it).
	doc := planWithIDs(t, "feed-live")
	created := make(chan int, 1)
	go func() {
		time.Sleep(200 * time.Millisecond)
		created <- c.doQuiet(http.MethodPost, "/v1/plans", doc)
	}()
	live := readSSE(t, c, rest[len(rest)-1].Position, 1)
	if status := <-created; status != http.StatusCreated {
		t.Fatalf("live create answered %d", status)
	}
	if live[0].Event.AggregateID != objectID(t, doc) || live[0].Event.Version != 1 {
		t.Fatalf("live stream gave %s", live[0].key())
	}
}

// writeSomePlans creates n plans, patches every other one and deletes every third,
// returning the event keys written.
func writeSomePlans(t *testing.T, c *client, prefix string, n int) []string {
	t.Helper()
	var keys []string
	for i := range n {
		doc := planWithIDs(t, fmt.Sprintf("%s-%d", prefix, i))
		id := objectID(t, doc)
		expectStatus(t, c.do(http.MethodPost, "/v1/plans", doc), http.StatusCreated)
		keys = append(keys, id+"@1")
		v := 1
		if i%2 == 0 {
			expectStatus(t, c.do(http.MethodPatch, "/v1/plans/"+id, []byte(`{"planType":"outOfNetwork"}`)), http.StatusOK)
			v++
			keys = append(keys, fmt.Sprintf("%s@%d", id, v))
		}
		if i%3 == 0 {
			expectStatus(t, c.do(http.MethodDelete, "/v1/plans/"+id, nil), http.StatusNoContent)
			v++
			keys = append(keys, fmt.Sprintf("%s@%d", id, v))
		}
	}
	return keys
}

// pageFeed follows the Link rel=next pages of GET /v1/events?query to the end.
func pageFeed(t *testing.T, c *client, query string) []feedEntry {
	t.Helper()
	var out []feedEntry
	path := "/v1/events?" + query
	for range 1000 {
		r := c.do(http.MethodGet, path, nil)
		expectStatus(t, r, http.StatusOK)
		var page struct {
			Events []feedEntry `json:"events"`
			Next   string      `json:"next"`
			More   bool        `json:"more"`
		}
		if err := json.Unmarshal(r.body, &page); err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Events...)
		if !page.More {
			return out
		}
		link := r.header.Get("Link")
		if !strings.Contains(link, `rel="next"`) {
			t.Fatalf("more without a Link: %q", link)
		}
		path = strings.TrimSuffix(strings.TrimPrefix(strings.Split(link, ";")[0], "<"), ">")
	}
	t.Fatal("feed never ended")
	return nil
}

// readSSE opens the event stream (resuming after lastID when given) and reads n events.
func readSSE(t *testing.T, c *client, lastID string, n int) []feedEntry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := c.newRequest(ctx, http.MethodGet, "/v1/events", nil, "Accept", "text/event-stream", "Last-Event-ID", lastID)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream answered %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var out []feedEntry
	var cur feedEntry
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for len(out) < n && sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			cur.Position = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &cur.Event); err != nil {
				t.Fatal(err)
			}
		case line == "" && cur.Position != "":
			out = append(out, cur)
			cur = feedEntry{}
		}
	}
	if len(out) < n {
		t.Fatalf("stream gave %d events, want %d (%v)", len(out), n, sc.Err())
	}
	return out
}

func assertEveryEventOnce(t *testing.T, want []string, got []feedEntry) {
	t.Helper()
	seen := map[string]bool{}
	last := map[string]int64{}
	for _, e := range got {
		if seen[e.key()] {
			t.Fatalf("%s twice", e.key())
		}
		seen[e.key()] = true
		if e.Event.Version <= last[e.Event.AggregateID] {
			t.Fatalf("%s after version %d", e.key(), last[e.Event.AggregateID])
		}
		last[e.Event.AggregateID] = e.Event.Version
	}
	for _, k := range want {
		if !seen[k] {
			t.Fatalf("%s missing from the feed", k)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("feed has %d events, %d were written", len(got), len(want))
	}
}

func assertSameKeys(t *testing.T, want, got []feedEntry) {
	t.Helper()
	for i := range want {
		if want[i].key() != got[i].key() || want[i].Position != got[i].Position {
			t.Fatalf("item %d: stream %s at %s, page %s at %s", i, got[i].key(), got[i].Position, want[i].key(), want[i].Position)
		}
	}
}
