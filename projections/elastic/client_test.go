package elastic

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// esStub answers like an Elasticsearch node: the product header go-elasticsearch checks,
// and the status that status() picks for each request.
func esStub(t *testing.T, status func(n int64) int) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := hits.Add(1)
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status(n))
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(s.Close)
	return s, &hits
}

func TestClientRetriesOnAnotherNode(t *testing.T) {
	// A node that is gone: its port refuses connections.
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	// A node that is there but cannot serve yet (503 on its first answer).
	busy, busyHits := esStub(t, func(n int64) int {
		if n == 1 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	healthy, _ := esStub(t, func(int64) int { return http.StatusOK })

	client, err := NewClient([]string{gone.URL, busy.URL, healthy.URL})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		res, err := client.Info()
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d, want 200 from another node", i, res.StatusCode)
		}
	}
	if busyHits.Load() < 2 {
		t.Errorf("the busy node was asked %d times; want it back in rotation after its 503", busyHits.Load())
	}
}

func TestClientDoesNotRetryWhatTheCallerGaveUp(t *testing.T) {
	slow, hits := esStub(t, func(int64) int { time.Sleep(200 * time.Millisecond); return http.StatusOK })
	other, otherHits := esStub(t, func(int64) int { time.Sleep(200 * time.Millisecond); return http.StatusOK })
	client, err := NewClient([]string{slow.URL, other.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = client.Info(client.Info.WithContext(ctx))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the caller's deadline", err)
	}
	if n := hits.Load() + otherHits.Load(); n > 1 {
		t.Errorf("%d attempts after the caller gave up, want 1", n)
	}
}

func TestRetryBackoffGrowsAndIsCapped(t *testing.T) {
	for attempt, limit := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 5: time.Second, 40: time.Second} {
		for range 20 {
			if d := retryBackoff(attempt); d < limit/2 || d > limit {
				t.Fatalf("attempt %d: %v, want within [%v, %v]", attempt, d, limit/2, limit)
			}
		}
	}
}

func TestNewClientNeedsAURL(t *testing.T) {
	if _, err := NewClient(nil); err == nil {
		t.Fatal("accepted no URL")
	}
}
