package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/transport/testenv"
)

// redisDBOperations is this test's own Redis database.
const redisDBOperations = 3

// TestOperatingTheRolesAsMicroservices runs the roles as separate processes the way
// README "Roles" describes them: one signing key file for the deployment, each role on
// its own data dir. One token works on every API role; the query API's /readyz and
// the pipeline metrics report a relay outage and then a projector outage, and recover.
func TestOperatingTheRolesAsMicroservices(t *testing.T) {
	esURL := os.Getenv("PLANSTORE_TEST_ES_URL")
	if esURL == "" {
		testenv.Unavailable(t, "PLANSTORE_TEST_ES_URL is not set: a projector in its own process needs Elasticsearch")
	}
	testenv.Redis(t, redisDBOperations)
	amqpURL := testenv.Vhost(t)
	keyFile := filepath.Join(t.TempDir(), "signing-key.pem")
	runCLI(t, "keygen", keyFile)

	env := []string{
		"PLANSTORE_REDIS_URL=" + testenv.RedisURL(redisDBOperations),
		"PLANSTORE_AMQP_URL=" + amqpURL,
		"PLANSTORE_ES_URL=" + esURL,
		"PLANSTORE_SIGNING_KEY_FILE=" + keyFile,
		"PLANSTORE_LOG_LEVEL=info",
	}
	own := func() []string { // a data dir of its own: the key must not depend on it
		return append(env[:len(env):len(env)], "PLANSTORE_DATA_DIR="+t.TempDir())
	}
	commandAPI := startProcess(t, "command-api", own(), "command-api")
	relays := []*process{
		startProcess(t, "relay-1", env, "relay", "--relay-lease-ttl", "1s"),
		startProcess(t, "relay-2", env, "relay", "--relay-lease-ttl", "1s"),
	}
	projector := startProcess(t, "projector", env, "projector")
	queryAPI := startProcess(t, "query-api", own(), "query-api", "--max-projection-lag", "2s")

	// Each start-up line names only what the role uses.
	for p, want := range map[*process]struct{ has, hasNot []string }{
		commandAPI: {[]string{"event_store", "auth"}, []string{"bus", "search"}},
		relays[0]:  {[]string{"event_store", "bus", "auth"}, []string{"search"}}, // auth: the shared key lets it answer the system view
		projector:  {[]string{"event_store", "bus", "search", "auth"}, nil},
		queryAPI:   {[]string{"event_store", "search", "auth"}, []string{"bus"}},
	} {
		line := startedLine(t, p)
		for _, k := range want.has {
			if _, ok := line[k]; !ok {
				t.Errorf("%s start-up line lacks %q: %v", p.name, k, line)
			}
		}
		for _, k := range want.hasNot {
			if _, ok := line[k]; ok {
				t.Errorf("%s start-up line names %q, which it does not use: %v", p.name, k, line)
			}
		}
	}

	// One token, minted from the key file, works on both API roles.
	token := strings.TrimSpace(runCLI(t, "token", "--signing-key-file", keyFile, "--scope", "plans:read plans:write plans:admin plans:operator", "--sub", "ops"))
	write := func(suffix string) {
		t.Helper()
		if r := call(t, http.MethodPost, commandAPI.url+"/v1/plans", token, uniquePlan(t, suffix)); r.status != http.StatusCreated {
			t.Fatalf("create on command-api: %d %s", r.status, r.body)
		}
	}
	write("ops-0")
	for _, url := range []string{commandAPI.url, queryAPI.url} {
		if r := call(t, http.MethodGet, url+"/v1/plans/plan-ops-0", token, nil); r.status != http.StatusOK {
			t.Fatalf("GET %s with the shared token: %d %s", url, r.status, r.body)
		}
	}
	if r := call(t, http.MethodGet, queryAPI.url+"/v1/admin/replay/none", token, nil); r.status != http.StatusNotFound {
		t.Fatalf("the admin routes on query-api with the shared token: %d %s", r.status, r.body)
	}
	// Any role answers the system view, a relay and a projector too (given the shared key).
	for _, p := range []*process{relays[0], projector} {
		testenv.WaitFor(t, 30*time.Second, p.name+"'s system view to list every role", func() bool {
			r := call(t, http.MethodGet, p.url+"/v1/admin/system", token, nil)
			if r.status != http.StatusOK {
				t.Fatalf("GET /v1/admin/system on %s: %d %s", p.name, r.status, r.body)
			}
			for _, role := range []string{"command-api", "query-api", "relay", "projector"} {
				if !strings.Contains(string(r.body), `"role":"`+role+`"`) {
					return false
				}
			}
			return true
		})
	}
	if r := call(t, http.MethodPost, relays[0].url+"/v1/plans", token, uniquePlan(t, "on-relay")); r.status != http.StatusNotFound {
		t.Errorf("a relay took a plan write: %d %s", r.status, r.body)
	}

	// A ready pipeline: one relay leads, the other waits and says so; both are ready.
	testenv.WaitFor(t, 60*time.Second, "the read model to catch up", func() bool { return readyz(t, queryAPI).status == http.StatusOK })
	testenv.WaitFor(t, 30*time.Second, "one relay to lead", func() bool {
		states := []string{readyz(t, relays[0]).relay, readyz(t, relays[1]).relay}
		return strings.Contains(strings.Join(states, ","), "leading") && strings.Contains(strings.Join(states, ","), "standby")
	})
	for _, p := range append([]*process{commandAPI, projector}, relays...) {
		if r := readyz(t, p); r.status != http.StatusOK {
			t.Fatalf("%s /readyz: %d %s", p.name, r.status, r.body)
		}
	}
	// Each role exports its own metrics: relay gauges on relays only.
	if metricOf(t, projector, "planstore_relay_leading") != nil || metricOf(t, queryAPI, "planstore_relay_leading") != nil {
		t.Error("a role without a relay exports planstore_relay_leading")
	}
	if metricOf(t, relays[0], "planstore_relay_leading") == nil {
		t.Error("a relay does not export planstore_relay_leading")
	}
	if held := metricOf(t, queryAPI, "planstore_replay_lock_held"); held == nil || *held < 0 {
		t.Errorf("planstore_replay_lock_held on query-api = %v, want 0 or 1", held)
	}

	// writeThrough writes five plans while a stage is down and waits until query-api
	// reports that stage's outage with hint.
	writeThrough := func(stage, hint string) {
		t.Helper()
		for i := range 5 {
			write("ops-" + stage + "-" + strconv.Itoa(i))
		}
		testenv.WaitFor(t, 60*time.Second, "query-api to report the "+stage+" outage", func() bool {
			r := readyz(t, queryAPI)
			return r.status == http.StatusServiceUnavailable && strings.Contains(r.readModel, hint)
		})
	}

	// Relay outage: events wait in the outbox; query-api says so and the gauges show it.
	start := time.Now()
	for _, r := range relays {
		r.kill()
	}
	writeThrough("relay", "is a relay running?")
	if n := metricOf(t, queryAPI, "planstore_outbox_backlog_events"); n == nil || *n < 5 {
		t.Errorf("outbox backlog during the relay outage = %v, want >= 5", n)
	}
	if lag := metricOf(t, queryAPI, "planstore_projection_lag_seconds"); lag == nil || *lag < 2 {
		t.Errorf("projection lag during the relay outage = %v, want >= 2 s", lag)
	}
	t.Logf("relay outage reported %s after the kill", time.Since(start).Round(100*time.Millisecond))

	relays = []*process{startProcess(t, "relay-3", env, "relay", "--relay-lease-ttl", "1s")}
	waitRecovered(t, queryAPI)

	// Projector outage: events wait in its queue; the relay shows the queue's depth and
	// query-api reports its read model stale.
	start = time.Now()
	projector.kill()
	writeThrough("projector", "is the projector running?")
	testenv.WaitFor(t, 30*time.Second, "the relay to show the projector's queue depth", func() bool {
		n := metricOf(t, relays[0], `planstore_consumer_queue_depth{consumer="projector"}`)
		return n != nil && *n >= 5
	})
	if n := metricOf(t, queryAPI, "planstore_outbox_backlog_events"); n == nil || *n != 0 {
		t.Errorf("outbox backlog during the projector outage = %v, want 0 (the relay is up)", n)
	}
	t.Logf("projector outage reported %s after the kill", time.Since(start).Round(100*time.Millisecond))

	startProcess(t, "projector-2", env, "projector")
	waitRecovered(t, queryAPI)
	testenv.WaitFor(t, 30*time.Second, "the projector's queue to drain", func() bool {
		n := metricOf(t, relays[0], `planstore_consumer_queue_depth{consumer="projector"}`)
		return n != nil && *n == 0
	})
}

// TestRoleHelpListsOnlyItsFlags: `planstore <role> -h` shows the flags that role uses.
func TestRoleHelpListsOnlyItsFlags(t *testing.T) {
	for role, tc := range map[string]struct{ has, hasNot []string }{
		"command-api": {[]string{"-redis-url", "-signing-key-file", "-auth", "-max-body-bytes", "-amqp-url", "-import-max-bytes"}, []string{"-es-url", "-relay-lease-ttl", "-max-projection-lag", "-import-workers"}},
		"worker":      {[]string{"-redis-url", "-amqp-url", "-import-workers", "-signing-key-file", "-auth"}, []string{"-data-dir", "-es-url", "-max-body-bytes", "-import-max-bytes"}},
		"query-api":   {[]string{"-redis-url", "-es-url", "-amqp-url", "-signing-key-file", "-max-projection-lag"}, []string{"-relay-lease-ttl"}},
		"relay":       {[]string{"-redis-url", "-amqp-url", "-relay-lease-ttl", "-signing-key-file", "-auth"}, []string{"-data-dir", "-es-url", "-max-body-bytes"}},
		"projector":   {[]string{"-redis-url", "-amqp-url", "-es-url", "-signing-key-file", "-auth"}, []string{"-data-dir", "-relay-lease-ttl", "-max-body-bytes"}},
		"replay":      {[]string{"-es-url", "-server", "-token", "-signing-key-file"}, []string{"-amqp-url", "-max-body-bytes", "-relay-lease-ttl", "-pprof-addr"}},
		"token":       {[]string{"-signing-key-file", "-init", "-scope"}, []string{"-redis-url"}},
	} {
		t.Run(role, func(t *testing.T) {
			out := runCLI(t, role, "-h")
			flags := map[string]bool{}
			sc := bufio.NewScanner(strings.NewReader(out))
			for sc.Scan() {
				if f := strings.Fields(sc.Text()); len(f) > 0 && strings.HasPrefix(sc.Text(), "  -") {
					flags[f[0]] = true
				}
			}
			for _, f := range tc.has {
				if !flags[f] {
					t.Errorf("%s -h lacks %s:\n%s", role, f, out)
				}
			}
			for _, f := range tc.hasNot {
				if flags[f] {
					t.Errorf("%s -h lists %s:\n%s", role, f, out)
				}
			}
		})
	}
}

// runCLI runs a one-off planstore command and returns its stdout and stderr; it must
// succeed.
func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	bin := binary(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("planstore %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.String() + stderr.String()
}

type readiness struct {
	status    int
	body      string
	relay     string
	readModel string
}

func readyz(t *testing.T, p *process) readiness {
	t.Helper()
	r := call(t, http.MethodGet, p.url+"/readyz", "", nil)
	var body struct {
		Relay     string `json:"relay"`
		ReadModel struct {
			Status string `json:"status"`
		} `json:"read_model"`
	}
	_ = json.Unmarshal(r.body, &body)
	return readiness{status: r.status, body: string(r.body), relay: body.Relay, readModel: body.ReadModel.Status}
}

// waitRecovered waits for the query API to be ready again with nothing waiting.
func waitRecovered(t *testing.T, queryAPI *process) {
	t.Helper()
	start := time.Now()
	testenv.WaitFor(t, 60*time.Second, "query-api to recover", func() bool {
		if readyz(t, queryAPI).status != http.StatusOK {
			return false
		}
		backlog := metricOf(t, queryAPI, "planstore_outbox_backlog_events")
		lag := metricOf(t, queryAPI, "planstore_projection_lag_seconds")
		return backlog != nil && *backlog == 0 && lag != nil && *lag == 0
	})
	t.Logf("query-api recovered %s after the restart", time.Since(start).Round(100*time.Millisecond))
}

// metricOf is the value of the sample named exactly series (name and labels), nil when
// the role does not export it.
func metricOf(t *testing.T, p *process, series string) *float64 {
	t.Helper()
	r := call(t, http.MethodGet, p.url+"/metrics", "", nil)
	for _, line := range strings.Split(string(r.body), "\n") {
		name, value, ok := strings.Cut(line, " ")
		if !ok || name != series {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Fatalf("%s: %q", series, line)
		}
		return &v
	}
	return nil
}

// startedLine is the role's "planstore started" log entry.
func startedLine(t *testing.T, p *process) map[string]any {
	t.Helper()
	for _, line := range strings.Split(p.logText(), "\n") {
		var entry map[string]any
		if json.Unmarshal([]byte(line), &entry) == nil && entry["msg"] == "planstore started" {
			return entry
		}
	}
	t.Fatalf("%s logged no start-up line:\n%s", p.name, p.logTail())
	return nil
}
