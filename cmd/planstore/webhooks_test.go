package main_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/planstore/planstore/transport/testenv"
)

// subscriber is a webhook receiver as a user would write one from the Standard
// Webhooks specification: it checks every signature, drops repeats by webhook-id, and
// records the order in which each plan's versions first arrived. While failing it
// answers 500.
type subscriber struct {
	secret string

	mu       sync.Mutex
	failing  bool
	refused  int
	badSigs  int
	repeats  int
	seen     map[string]bool    // webhook-id
	versions map[string][]int64 // plan -> versions in order of first arrival
}

func (s *subscriber) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ts := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp")
	if !verifySpec(s.secret, id, ts, r.Header.Get("webhook-signature"), body) {
		s.badSigs++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if s.failing {
		s.refused++
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	var e struct {
		ID          string `json:"id"`
		AggregateID string `json:"aggregate_id"`
		Version     int64  `json:"version"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.ID != id {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if s.seen[id] {
		s.repeats++
	} else {
		s.seen[id] = true
		s.versions[e.AggregateID] = append(s.versions[e.AggregateID], e.Version)
	}
	w.WriteHeader(http.StatusNoContent)
}

// verifySpec: base64-decode the key after "whsec_", HMAC-SHA256 over
// "{id}.{timestamp}.{body}", compare with any "v1,<base64>" of the header.
func verifySpec(secret, id, ts, header string, body []byte) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || id == "" || ts == "" {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	for _, sig := range strings.Fields(header) {
		if v, b64, ok := strings.Cut(sig, ","); ok && v == "v1" {
			if got, err := base64.StdEncoding.DecodeString(b64); err == nil && hmac.Equal(got, mac.Sum(nil)) {
				return true
			}
		}
	}
	return false
}

func (s *subscriber) has(plan string, version int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.versions[plan] {
		if v == version {
			return true
		}
	}
	return false
}

func (s *subscriber) setFailing(f bool) {
	s.mu.Lock()
	s.failing = f
	s.mu.Unlock()
}

// TestWebhooksDeliverEveryEventOnceInOrder: a subscriber gets every event of the run
// exactly once per plan version (repeats only of the same webhook-id), each plan's in
// version order, through a kill -9 of planstore and a time of failures that ends in
// retries, dead letters (later events of the plan waiting behind them) and a
// redelivery.
func TestWebhooksDeliverEveryEventOnceInOrder(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { testWebhooksDeliver(t, nil) })
	t.Run("redis", func(t *testing.T) {
		testenv.Redis(t, redisDBRoles)
		// A short lease: the restarted serve takes the webhook (and relay) lease over from
		// the killed one within a second.
		testWebhooksDeliver(t, []string{"PLANSTORE_REDIS_URL=" + testenv.RedisURL(redisDBRoles), "PLANSTORE_RELAY_LEASE_TTL=1s"})
	})
}

func testWebhooksDeliver(t *testing.T, backend []string) {
	sub := &subscriber{secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", seen: map[string]bool{}, versions: map[string][]int64{}}
	hook := httptest.NewServer(sub)
	defer hook.Close()

	dataDir := t.TempDir()
	env := append([]string{"PLANSTORE_DATA_DIR=" + dataDir, "PLANSTORE_WEBHOOK_DENY=none",
		"PLANSTORE_WEBHOOK_ATTEMPTS=3", "PLANSTORE_WEBHOOK_BACKOFF=20ms"}, backend...)
	serve := startProcess(t, "serve", env, "serve")
	token := mintToken(t, dataDir, "plans:read plans:write")
	admin := mintToken(t, dataDir, "plans:admin")

	r := call(t, http.MethodPost, serve.url+"/v1/subscriptions", admin,
		[]byte(`{"url":"`+hook.URL+`/hooks","from":"start","secret":"`+sub.secret+`"}`))
	if r.status != http.StatusCreated {
		t.Fatalf("create subscription: %d %s", r.status, r.body)
	}
	var created struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(r.body, &created)
	subURL := "/v1/subscriptions/" + created.ID

	write := func(p *process, method, path string, body []byte) {
		t.Helper()
		if r := call(t, method, p.url+path, token, body); r.status >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, r.status, r.body)
		}
	}
	patch := func(p *process, plan string, copay int) {
		write(p, http.MethodPatch, "/v1/plans/"+plan, []byte(fmt.Sprintf(`{"planCostShares":{"copay":%d}}`, copay)))
	}

	// Writes, then kill -9 while deliveries are under way.
	for i := range 6 {
		write(serve, http.MethodPost, "/v1/plans", uniquePlan(t, fmt.Sprintf("wh-%d", i)))
		patch(serve, fmt.Sprintf("plan-wh-%d", i), 10+i)
	}
	testenv.WaitFor(t, 60*time.Second, "a first delivery", func() bool { return sub.has("plan-wh-0", 1) })
	serve.kill()

	serve = startProcess(t, "serve (restarted)", env, "serve")
	write(serve, http.MethodDelete, "/v1/plans/plan-wh-5", nil)
	patch(serve, "plan-wh-4", 99)
	testenv.WaitFor(t, 60*time.Second, "delivery to catch up after the crash", func() bool { return sub.has("plan-wh-4", 3) })

	// The subscriber fails: plan-wh-1's next event is retried then dead-lettered, its
	// event after that waits behind it, and plan-wh-2's is dead-lettered too.
	sub.setFailing(true)
	patch(serve, "plan-wh-1", 50)
	patch(serve, "plan-wh-1", 51)
	patch(serve, "plan-wh-2", 52)
	var letters []struct {
		Plan     string `json:"plan"`
		Version  int64  `json:"version"`
		Attempts int    `json:"attempts"`
	}
	testenv.WaitFor(t, 60*time.Second, "three dead letters", func() bool {
		r := call(t, http.MethodGet, serve.url+subURL+"/dead-letters", admin, nil)
		return r.status == http.StatusOK && json.Unmarshal(r.body, &letters) == nil && len(letters) == 3
	})
	// The feed orders events per plan only (Redis's log is partitioned), so the list is
	// checked per plan: plan-wh-1's v3 (retried, dead) before its v4 (parked behind it,
	// never attempted), and plan-wh-2's v3 dead too.
	var wh1 []int64
	wh2Dead := false
	for _, l := range letters {
		switch {
		case l.Plan == "plan-wh-1" && l.Version == 3 && l.Attempts == 3,
			l.Plan == "plan-wh-1" && l.Version == 4 && l.Attempts == 0:
			wh1 = append(wh1, l.Version)
		case l.Plan == "plan-wh-2" && l.Version == 3 && l.Attempts == 3:
			wh2Dead = true
		}
	}
	if len(wh1) != 2 || wh1[0] != 3 || wh1[1] != 4 || !wh2Dead {
		t.Fatalf("dead letters %+v", letters)
	}

	// It recovers: other plans' events flow at once, plan-wh-1's still wait in order,
	// and a redelivery empties the list.
	sub.setFailing(false)
	write(serve, http.MethodPost, "/v1/plans", uniquePlan(t, "wh-late"))
	patch(serve, "plan-wh-1", 53)
	testenv.WaitFor(t, 60*time.Second, "a new plan's delivery", func() bool { return sub.has("plan-wh-late", 1) })
	if sub.has("plan-wh-1", 5) {
		t.Fatal("plan-wh-1's version 5 overtook its dead letters")
	}
	if r := call(t, http.MethodPost, serve.url+subURL+"/redeliver", admin, nil); r.status != http.StatusAccepted {
		t.Fatalf("redeliver: %d %s", r.status, r.body)
	}
	testenv.WaitFor(t, 60*time.Second, "the redelivery", func() bool { return sub.has("plan-wh-1", 5) && sub.has("plan-wh-2", 3) })

	metrics := call(t, http.MethodGet, serve.url+"/metrics", "", nil)
	for _, want := range []string{`outcome="failed"`, `outcome="dead_lettered"`, `outcome="redelivered"`, "planstore_webhook_delivery_seconds"} {
		if !strings.Contains(string(metrics.body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// Every event of the feed arrived exactly once, per plan in version order.
	page := call(t, http.MethodGet, serve.url+"/v1/events?limit=1000", token, nil)
	var feed struct {
		Events []struct {
			Event struct {
				ID          string `json:"id"`
				AggregateID string `json:"aggregate_id"`
				Version     int64  `json:"version"`
			} `json:"event"`
		} `json:"events"`
	}
	if err := json.Unmarshal(page.body, &feed); err != nil {
		t.Fatal(err)
	}
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.badSigs != 0 {
		t.Fatalf("%d deliveries failed the signature check", sub.badSigs)
	}
	for _, e := range feed.Events {
		if !sub.seen[e.Event.ID] {
			t.Errorf("%s@%d never delivered", e.Event.AggregateID, e.Event.Version)
		}
	}
	if len(sub.seen) != len(feed.Events) {
		t.Fatalf("%d distinct deliveries for %d events", len(sub.seen), len(feed.Events))
	}
	for plan, vs := range sub.versions {
		for i := range vs {
			if vs[i] != int64(i+1) {
				t.Fatalf("plan %s arrived as versions %v", plan, vs)
			}
		}
	}
	t.Logf("%d events delivered once each; %d repeats of the same webhook-id (the crash); %d refused while failing",
		len(sub.seen), sub.repeats, sub.refused)
}
