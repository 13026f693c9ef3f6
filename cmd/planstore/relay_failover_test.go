package main_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/planstore/planstore/transport/testenv"
)

// TestRelayFailoverUnderLoad: two relays share the Redis outbox; one leads and the
// other waits on standby. Killing the leader with SIGKILL under load hands the lead to
// the standby, and every acknowledged create still reaches the read model, and its audit
// trail lists it exactly once.
func TestRelayFailoverUnderLoad(t *testing.T) {
	testenv.Redis(t, redisDBRoles)
	dataDir := t.TempDir()
	env := []string{
		"PLANSTORE_REDIS_URL=" + testenv.RedisURL(redisDBRoles),
		"PLANSTORE_AMQP_URL=" + testenv.Vhost(t),
		"PLANSTORE_DATA_DIR=" + dataDir,
		"PLANSTORE_RELAY_LEASE_TTL=1s",
	}
	commandAPI := startProcess(t, "command-api", env, "command-api")
	queryAPI := startProcess(t, "query-api", env, "query-api") // projects into its embedded engine
	leader := startProcess(t, "relay 1", env, "relay")
	testenv.WaitFor(t, 60*time.Second, "relay 1 to lead", func() bool { return leader.logMentions("relay leads the outbox") })
	standby := startProcess(t, "relay 2", env, "relay")
	testenv.WaitFor(t, 60*time.Second, "relay 2 to wait on standby", func() bool { return standby.logMentions("relay on standby") })
	if r := call(t, http.MethodGet, standby.url+"/readyz", "", nil); r.status != http.StatusOK {
		t.Fatalf("a standby relay is healthy; /readyz says %d %s", r.status, r.body)
	}
	if !metricSays(t, standby, "planstore_relay_leading 0") || !metricSays(t, leader, "planstore_relay_leading 1") {
		t.Fatal("/metrics does not tell the leading relay from the standby")
	}
	token := mintToken(t, dataDir, "plans:read plans:write")

	load := startCreating(t, commandAPI.url, token, 8)
	load.waitFor(t, 200)
	if standby.logMentions("relay leads the outbox") {
		t.Fatalf("both relays lead; the standby's log:\n%s", standby.logTail())
	}
	leader.kill()
	t.Log("killed the leading relay after", load.count(), "acknowledged creates")
	testenv.WaitFor(t, 60*time.Second, "relay 2 to take the lead", func() bool { return metricSays(t, standby, "planstore_relay_leading 1") })
	load.waitFor(t, load.count()+200)
	acked := load.stop(t)

	testenv.WaitFor(t, 120*time.Second, "every acknowledged plan in the read model", func() bool {
		return searchTotal(t, queryAPI, token, `{"query":{"term":{"objectType":"plan"}},"track_total_hits":true}`) >= len(acked)
	})
	if got := searchTotal(t, queryAPI, token, `{"query":{"term":{"objectType":"plan"}},"track_total_hits":true}`); got != len(acked) {
		t.Fatalf("%d plan documents for %d acknowledged creates", got, len(acked))
	}
	checked := 0
	for _, id := range acked {
		if checked++; checked > 50 {
			break // a sample: each check is a request
		}
		var entries []json.RawMessage
		testenv.WaitFor(t, 60*time.Second, "the audit entry of "+id, func() bool {
			r := call(t, http.MethodGet, queryAPI.url+"/v1/plans/"+id+"/audit", token, nil)
			return r.status == http.StatusOK && json.Unmarshal(r.body, &entries) == nil && len(entries) > 0
		})
		if len(entries) != 1 {
			t.Fatalf("plan %s has %d audit entries, want 1", id, len(entries))
		}
	}
}

// TestRelayThatLosesItsLeaseExits: when another process holds the lease (the relay
// stalled past its TTL, say), the relay stops relaying and exits non-zero, so that its
// supervisor restarts it as a standby.
func TestRelayThatLosesItsLeaseExits(t *testing.T) {
	rdb := testenv.Redis(t, redisDBRoles)
	env := []string{
		"PLANSTORE_REDIS_URL=" + testenv.RedisURL(redisDBRoles),
		"PLANSTORE_AMQP_URL=" + testenv.Vhost(t),
		"PLANSTORE_DATA_DIR=" + t.TempDir(),
		"PLANSTORE_RELAY_LEASE_TTL=1s",
	}
	relay := startProcess(t, "relay", env, "relay")
	testenv.WaitFor(t, 60*time.Second, "the relay to lead", func() bool { return relay.logMentions("relay leads the outbox") })
	if err := rdb.Set(t.Context(), "planstore:lease:relay", "another-process", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	err := relay.wait(60 * time.Second)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("relay exited with %v, want a non-zero exit; its log:\n%s", err, relay.logTail())
	}
	if !relay.logMentions("relay lost the lead of the outbox") {
		t.Fatalf("the relay did not say why it stopped; its log:\n%s", relay.logTail())
	}
}

// metricSays reports whether the role's /metrics has the line want.
func metricSays(t *testing.T, p *process, want string) bool {
	t.Helper()
	r := call(t, http.MethodGet, p.url+"/metrics", "", nil)
	return r.status == http.StatusOK && slices.Contains(strings.Split(string(r.body), "\n"), want)
}

// creators post unique plans from several clients until stopped, keeping the ids of
// the acknowledged ones.
type creators struct {
	stopped atomic.Bool
	wg      sync.WaitGroup
	mu      sync.Mutex
	acked   []string
	failure error
}

func startCreating(t *testing.T, url, token string, clients int) *creators {
	c := &creators{}
	client := &http.Client{Timeout: 30 * time.Second}
	for n := range clients {
		c.wg.Go(func() {
			for i := 0; !c.stopped.Load(); i++ {
				suffix := fmt.Sprintf("failover-%d-%d", n, i)
				status, err := post(client, url+"/v1/plans", token, uniquePlan(t, suffix))
				c.mu.Lock()
				switch {
				case err != nil:
					c.failure = err
				case status == http.StatusCreated:
					c.acked = append(c.acked, "plan-"+suffix)
				default:
					c.failure = fmt.Errorf("create %s: status %d", suffix, status)
				}
				failed := c.failure != nil
				c.mu.Unlock()
				if failed {
					return
				}
			}
		})
	}
	t.Cleanup(func() { c.stopped.Store(true); c.wg.Wait() })
	return c
}

func (c *creators) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.acked)
}

func (c *creators) waitFor(t *testing.T, n int) {
	t.Helper()
	testenv.WaitFor(t, 120*time.Second, fmt.Sprintf("%d acknowledged creates", n), func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.acked) >= n || c.failure != nil
	})
	if err := c.err(); err != nil {
		t.Fatalf("creating plans: %v", err)
	}
}

func (c *creators) err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failure
}

func (c *creators) stop(t *testing.T) []string {
	t.Helper()
	c.stopped.Store(true)
	c.wg.Wait()
	if err := c.err(); err != nil {
		t.Fatalf("creating plans: %v", err)
	}
	return c.acked
}
