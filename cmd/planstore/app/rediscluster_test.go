package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/testenv"
)

// serveOnCluster starts a Redis Cluster of three masters with a replica each (skipped
// with -short: that takes a while) and serve on it, waiting for replicas as the flag
// default does (-1: automatic), with a relay lease that outlasts three failovers of
// the test cluster (deployments/README.md).
func serveOnCluster(t *testing.T, skipReason string) (*testenv.RedisCluster, *app.Main, *client) {
	t.Helper()
	if testing.Short() {
		t.Skip(skipReason)
	}
	cluster := testenv.StartRedisCluster(t, 3, 1)
	dir := t.TempDir()
	m := startServe(t, dir, func(c *app.Config) {
		c.RedisURL = cluster.URL()
		c.RedisMinReplicas = -1
		c.RelayLeaseTTL = 15 * time.Second
	})
	return cluster, m, newClient(t, m, dir)
}

// TestServeOnRedisCluster runs the user journey against serve on a Redis Cluster of
// three masters with a replica each: every write is a cluster script (ownership spans
// slots), reads come from masters (read-after-write), and the relay, elected by its
// lease on the cluster, feeds the embedded search engine.
func TestServeOnRedisCluster(t *testing.T) {
	cluster, m, c := serveOnCluster(t, "starts a six-node Redis Cluster")

	etag := createAndReadBack(t, c, c)
	c.eventually(plansWithCopay, planID)
	expectProblem(t, c.do(http.MethodPost, "/v1/plans", exampleplan.JSON()), http.StatusConflict)

	patch := []byte(`{"linkedPlanServices":[{"objectId":"27283xvx9sdf-507","planserviceCostShares":{"copay":50}}]}`)
	patched := c.do(http.MethodPatch, "/v1/plans/"+planID, patch, "If-Match", etag)
	expectStatus(t, patched, http.StatusOK)
	got := c.do(http.MethodGet, "/v1/plans/"+planID, nil)
	if got.header.Get("ETag") != patched.header.Get("ETag") || !bytes.Contains(got.body, []byte(`"copay":50`)) {
		t.Fatalf("GET after patch: ETag %q, body %s", got.header.Get("ETag"), got.body)
	}
	expectProblem(t, c.do(http.MethodPatch, "/v1/plans/"+planID, patch, "If-Match", etag), http.StatusPreconditionFailed)
	c.eventually(plansWithBigCopay)

	// The relay holds its lease on the cluster.
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: cluster.Addrs()})
	defer rdb.Close()
	if ttl, err := rdb.PTTL(context.Background(), "planstore:lease:relay").Result(); err != nil || ttl <= 0 {
		t.Fatalf("relay lease on the cluster: ttl %v, %v", ttl, err)
	}

	expectStatus(t, c.do(http.MethodDelete, "/v1/plans/"+planID, nil, "If-Match", patched.header.Get("ETag")), http.StatusNoContent)
	expectProblem(t, c.do(http.MethodGet, "/v1/plans/"+planID, nil), http.StatusNotFound)
	c.eventually(`{"query":{"match_all":{}}}`)
	history := c.do(http.MethodGet, "/v1/plans/"+planID+"/events", nil)
	expectStatus(t, history, http.StatusOK)
	if n := bytes.Count(history.body, []byte(`"aggregate_id"`)); n != 3 {
		t.Fatalf("%d events, want 3: %s", n, history.body)
	}
	// objectIds of the deleted plan are free again, in whatever slots they live.
	expectStatus(t, c.do(http.MethodPost, "/v1/plans", exampleplan.JSON()), http.StatusCreated)
	testenv.WaitFor(t, 30*time.Second, "the audit trail on the cluster", func() bool {
		r := c.do(http.MethodGet, "/v1/plans/"+planID+"/audit", nil)
		return r.status == http.StatusOK && bytes.Count(r.body, []byte(`"event_id"`)) >= 4
	})
	select {
	case err := <-m.Failed():
		t.Fatalf("serve failed (a relay that lost its lease?): %v", err)
	default:
	}
}

// TestServeSurvivesRedisFailover kills a master of the cluster with SIGKILL while
// clients create plans. Every create that was acknowledged must be readable afterwards
// with its ETag; every failure must be a 503 with Retry-After; once the killed node is
// back (as a replica of its successor), writes succeed again and the relay delivers
// every acknowledged plan to search.
func TestServeSurvivesRedisFailover(t *testing.T) {
	cluster, m, c := serveOnCluster(t, "starts a six-node Redis Cluster and fails one over")

	const plans = 2000
	bodies := make([][]byte, plans)
	for i := range bodies {
		bodies[i] = planWithIDs(t, fmt.Sprintf("f%d", i))
	}
	var (
		next    atomic.Int64
		stop    atomic.Bool
		mu      sync.Mutex
		acked   = map[string]string{} // plan id -> ETag
		refused = map[int]int{}       // status -> count, of the failures
		bad     []string              // failures that are not a 503 with Retry-After
	)
	httpc := &http.Client{Timeout: time.Minute}
	create := func(i int) {
		req, _ := c.newRequest(context.Background(), http.MethodPost, "/v1/plans", bodies[i])
		resp, err := httpc.Do(req)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			bad = append(bad, fmt.Sprintf("plan %d: %v", i, err))
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusCreated:
			acked[objectID(t, bodies[i])] = resp.Header.Get("ETag")
		case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" &&
			strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json"):
			refused[resp.StatusCode]++
		default:
			refused[resp.StatusCode]++
			bad = append(bad, fmt.Sprintf("plan %d: %d %s", i, resp.StatusCode, body))
		}
	}
	ackedCount := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				i := int(next.Add(1)) - 1
				if i >= plans {
					return
				}
				create(i)
			}
		})
	}

	testenv.WaitFor(t, time.Minute, "creates before the failover", func() bool { return ackedCount() >= 40 })
	victim := cluster.Masters()[0]
	cluster.Kill(victim)
	t.Logf("killed master %s after %d acknowledged creates", victim, ackedCount())
	testenv.WaitFor(t, time.Minute, "a replica promoted in the killed master's place", func() bool {
		masters := cluster.Masters()
		return len(masters) == 3 && !contains(masters, victim)
	})
	beforeRestart := ackedCount()
	cluster.Restart(victim)
	cluster.WaitOK(time.Minute)
	t.Logf("failover done, %s back as a replica; %d acknowledged creates so far", victim, beforeRestart)
	testenv.WaitFor(t, time.Minute, "creates after the failover", func() bool { return ackedCount() >= beforeRestart+40 })
	stop.Store(true)
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	t.Logf("%d creates acknowledged, failures by status: %v", len(acked), refused)
	if len(bad) > 0 {
		t.Fatalf("%d failures that are not 503 with Retry-After, e.g. %v", len(bad), bad[:min(len(bad), 5)])
	}
	for id, etag := range acked {
		r := c.do(http.MethodGet, "/v1/plans/"+id, nil)
		if r.status != http.StatusOK || r.header.Get("ETag") != etag {
			t.Fatalf("acknowledged plan %s: GET %d, ETag %q, want 200 and %q", id, r.status, r.header.Get("ETag"), etag)
		}
	}
	// Writes work again, one after another.
	for i := range 5 {
		expectStatus(t, c.do(http.MethodPost, "/v1/plans", planWithIDs(t, fmt.Sprintf("after%d", i))), http.StatusCreated)
	}
	// The relay went on through the failover: search sees every acknowledged plan.
	testenv.WaitFor(t, time.Minute, "every acknowledged plan in search", func() bool {
		found := c.searchIDs(`{"query":{"term":{"objectType":"plan"}},"size":10000}`)
		missing := 0
		for id := range acked {
			if !contains(found, id) {
				missing++
			}
		}
		return missing == 0
	})
	select {
	case err := <-m.Failed():
		t.Fatalf("serve failed during the failover: %v", err)
	default:
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
