package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/planstore/planstore/projections/enginetest"
	"github.com/planstore/planstore/transport/testenv"
)

// TestKillDuringLoadLosesNothingAcknowledged kills `planstore serve` with SIGKILL while
// clients create plans, restarts it on the same data, and checks that every create
// answered 201 is readable, searchable and audited exactly once.
func TestKillDuringLoadLosesNothingAcknowledged(t *testing.T) {
	for name, brokers := range map[string]func(t *testing.T) []string{
		"embedded": func(*testing.T) []string { return nil },
		"redis and rabbitmq": func(t *testing.T) []string {
			testenv.Redis(t, redisDBRoles)
			return []string{"PLANSTORE_REDIS_URL=" + testenv.RedisURL(redisDBRoles), "PLANSTORE_AMQP_URL=" + testenv.Vhost(t)}
		},
	} {
		t.Run(name, func(t *testing.T) {
			dataDir := t.TempDir()
			env := append(brokers(t), "PLANSTORE_DATA_DIR="+dataDir)
			serve := startProcess(t, "serve", env, "serve")
			token := mintToken(t, dataDir, "plans:read plans:write")

			acked, attempted := createUntilKilled(t, serve, token)
			t.Logf("%d creates acknowledged, %d attempted before kill -9", len(acked), len(attempted))
			if len(acked) == 0 {
				t.Fatal("no create was acknowledged before the kill")
			}

			restarted := startProcess(t, "serve (restarted)", env, "serve")
			existing := map[string]bool{}
			for id := range attempted {
				switch r := call(t, http.MethodGet, restarted.url+"/v1/plans/"+id, token, nil); r.status {
				case http.StatusOK:
					existing[id] = true
				case http.StatusNotFound:
					if acked[id] {
						t.Errorf("acknowledged plan %s is lost", id)
					}
				default:
					t.Fatalf("GET %s: %d %s", id, r.status, r.body)
				}
			}
			// Every plan in the store reaches the read model exactly once: 8 documents each,
			// one plan document per plan, no duplicates from redelivery.
			const docsPerPlan = 8
			testenv.WaitFor(t, 120*time.Second, "the read model to hold every stored plan", func() bool {
				return searchTotal(t, restarted, token, `{"query":{"match_all":{}},"track_total_hits":true}`) == docsPerPlan*len(existing)
			})
			if got := searchTotal(t, restarted, token, `{"query":{"term":{"objectType":"plan"}},"track_total_hits":true}`); got != len(existing) {
				t.Fatalf("%d plan documents for %d stored plans", got, len(existing))
			}
			for id := range existing {
				var entries []json.RawMessage
				testenv.WaitFor(t, 60*time.Second, "the audit entry of "+id, func() bool {
					r := call(t, http.MethodGet, restarted.url+"/v1/plans/"+id+"/audit", token, nil)
					return r.status == http.StatusOK && json.Unmarshal(r.body, &entries) == nil
				})
				if len(entries) != 1 {
					t.Fatalf("plan %s has %d audit entries, want 1", id, len(entries))
				}
			}
		})
	}
}

// createUntilKilled runs concurrent creators against p, kills p with SIGKILL once some
// creates were acknowledged, and returns the acknowledged and attempted plan ids.
func createUntilKilled(t *testing.T, p *process, token string) (acked, attempted map[string]bool) {
	const clients = 8
	var (
		mu      sync.Mutex
		n       atomic.Int64
		wg      sync.WaitGroup
		stopped atomic.Bool
	)
	acked, attempted = map[string]bool{}, map[string]bool{}
	client := &http.Client{Timeout: 10 * time.Second}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stopped.Load(); i++ {
				suffix := fmt.Sprintf("kill-%d-%d", c, i)
				mu.Lock()
				attempted["plan-"+suffix] = true
				mu.Unlock()
				status, err := post(client, p.url+"/v1/plans", token, uniquePlan(t, suffix))
				if err != nil {
					return // the server is gone
				}
				if status == http.StatusCreated {
					mu.Lock()
					acked["plan-"+suffix] = true
					mu.Unlock()
					n.Add(1)
				}
			}
		}()
	}
	testenv.WaitFor(t, 60*time.Second, "some creates to be acknowledged", func() bool { return n.Load() >= 300 })
	p.kill()
	stopped.Store(true)
	wg.Wait()
	return acked, attempted
}

func searchTotal(t *testing.T, p *process, token, query string) int {
	t.Helper()
	r := call(t, http.MethodPost, p.url+"/v1/search", token, []byte(query))
	if r.status != http.StatusOK {
		t.Fatalf("search: %d %s", r.status, r.body)
	}
	resp, err := enginetest.DecodeAnswer(r.body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Hits.Total.Value
}
