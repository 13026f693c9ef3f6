package app_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/testenv"
)

// TestReadAfterWriteAcrossInstances: two serve processes share one Redis. Every write
// acknowledged by one is seen, ETag and body, by the very next GET on the other, while
// other clients keep the reading instance busy, so its reads travel in shared pipelines
// (redisstore joins concurrent snapshot reads) and a read could only see the write if
// it is sent after it was asked.
func TestReadAfterWriteAcrossInstances(t *testing.T) {
	testenv.Redis(t, redisDBApp)
	dirA, dirB := t.TempDir(), t.TempDir()
	onRedis := func(c *app.Config) { c.RedisURL = testenv.RedisURL(redisDBApp) }
	a := startServe(t, dirA, onRedis)
	b := startServe(t, dirB, onRedis)
	// Each client holds a token of its own instance's key, for the same tester and org.
	onA, onB := newClient(t, a, dirA), newClient(t, b, dirB)

	etag := createAndReadBack(t, onA, onB)

	stop := make(chan struct{})
	var loadErrs atomic.Int64
	var load sync.WaitGroup
	loader := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	t.Cleanup(loader.CloseIdleConnections)
	for range 16 {
		load.Add(1)
		go func() {
			defer load.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if !getOK(loader, onB.base+"/v1/plans/"+planID, onB.token) {
					loadErrs.Add(1)
				}
			}
		}()
	}
	stopLoad := sync.OnceFunc(func() { close(stop); load.Wait() })
	t.Cleanup(stopLoad)

	writer, reader := onA, onB
	for i := range 40 {
		copay := 100 + i
		patch := fmt.Appendf(nil, `{"planCostShares":{"copay":%d}}`, copay)
		patched := writer.do(http.MethodPatch, "/v1/plans/"+planID, patch,
			"If-Match", etag, "Content-Type", "application/merge-patch+json")
		expectStatus(t, patched, http.StatusOK)
		stale := etag
		etag = patched.header.Get("ETag")

		got := reader.do(http.MethodGet, "/v1/plans/"+planID, nil)
		expectStatus(t, got, http.StatusOK)
		if got.header.Get("ETag") != etag || !bytes.Contains(got.body, fmt.Appendf(nil, `"copay":%d`, copay)) {
			t.Fatalf("write %d: GET on the other instance: ETag %q (want %q), body %s", i, got.header.Get("ETag"), etag, got.body)
		}
		// A client revalidating the copy it had before the write gets the new one.
		revalidated := reader.do(http.MethodGet, "/v1/plans/"+planID, nil, "If-None-Match", stale)
		expectStatus(t, revalidated, http.StatusOK)
		if revalidated.header.Get("ETag") != etag {
			t.Fatalf("write %d: If-None-Match of the old ETag: ETag %q, want %q", i, revalidated.header.Get("ETag"), etag)
		}
		writer, reader = reader, writer
	}

	expectStatus(t, onA.do(http.MethodDelete, "/v1/plans/"+planID, nil, "If-Match", etag), http.StatusNoContent)
	expectProblem(t, onB.do(http.MethodGet, "/v1/plans/"+planID, nil), http.StatusNotFound)
	stopLoad()
	if n := loadErrs.Load(); n > 0 {
		t.Fatalf("%d GETs of the background load failed (other than the 404s after the delete)", n)
	}
}

// getOK reports whether a GET answered 200, or 404 (the plan is deleted at the end).
func getOK(c *http.Client, url, token string) bool {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNotFound
}
