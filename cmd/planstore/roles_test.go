package main_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/transport/testenv"
)

// redisDBRoles is this package's own Redis database.
const redisDBRoles = 10

func TestRolesAsSeparateProcesses(t *testing.T) {
	testenv.Redis(t, redisDBRoles) // flushes the database, fails under CI when absent
	amqpURL := testenv.Vhost(t)
	dataDir := t.TempDir()
	env := []string{
		"PLANSTORE_REDIS_URL=" + testenv.RedisURL(redisDBRoles),
		"PLANSTORE_AMQP_URL=" + amqpURL,
		"PLANSTORE_DATA_DIR=" + dataDir,
		"PLANSTORE_LOG_LEVEL=debug",
	}
	esURL := os.Getenv("PLANSTORE_TEST_ES_URL")

	commandAPI := startProcess(t, "command-api", env, "command-api")
	relay := startProcess(t, "relay", env, "relay")
	roles := []*process{commandAPI, relay}
	var queryAPI, projecting *process
	if esURL == "" {
		// The embedded engine lives in one process: query-api projects into it itself.
		queryAPI = startProcess(t, "query-api", env, "query-api")
		projecting = queryAPI
		roles = append(roles, queryAPI)
	} else {
		resetReadModel(t, esURL)
		esEnv := append(env[:len(env):len(env)], "PLANSTORE_ES_URL="+esURL)
		projector := startProcess(t, "projector", esEnv, "projector")
		queryAPI = startProcess(t, "query-api", esEnv, "query-api")
		projecting = projector
		roles = append(roles, projector, queryAPI)
	}
	token := mintToken(t, dataDir, "plans:read plans:write")

	plan := uniquePlan(t, "roles")
	const correlationID = "roles-test-write-1"
	resp := call(t, http.MethodPost, commandAPI.url+"/v1/plans", token, plan, "X-Correlation-ID", correlationID)
	if resp.status != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.status, resp.body)
	}
	planID := "plan-roles"
	query := []byte(`{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}}`)
	testenv.WaitFor(t, 60*time.Second, "the write to reach the query API", func() bool {
		r := call(t, http.MethodPost, queryAPI.url+"/v1/search", token, query)
		return r.status == http.StatusOK && bytes.Contains(r.body, []byte(`"_id":"`+planID+`"`))
	})
	for _, p := range roles {
		r := call(t, http.MethodGet, p.url+"/readyz", "", nil)
		if r.status != http.StatusOK {
			t.Errorf("%s /readyz: %d %s", p.name, r.status, r.body)
		}
	}
	// One write, found by its correlation id in the logs of every role it crossed.
	for _, p := range []*process{commandAPI, relay, projecting} {
		if !p.logMentions(correlationID) {
			t.Errorf("%s logged nothing with correlation id %s; its log:\n%s", p.name, correlationID, p.logTail())
		}
	}
	// The query API serves plans from the snapshot too.
	r := call(t, http.MethodGet, queryAPI.url+"/v1/plans/"+planID, token, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET on the query API: %d %s", r.status, r.body)
	}
}

func TestUnreachableBackendIsAStartupError(t *testing.T) {
	bin := binary(t)
	for name, args := range map[string][]string{
		"redis":         {"serve", "--redis-url", "redis://127.0.0.1:1/0"},
		"rabbitmq":      {"serve", "--amqp-url", "amqp://guest:guest@127.0.0.1:1/"},
		"elasticsearch": {"serve", "--es-url", "http://127.0.0.1:1"},
	} {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(bin, append(args, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir())...)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("started with an unreachable %s:\n%s", name, out)
			}
			if !strings.Contains(strings.ToLower(string(out)), name) {
				t.Fatalf("the error does not name %s:\n%s", name, out)
			}
		})
	}
}

// resetReadModel deletes the plans indices a previous run left on the shared cluster,
// so this run's searches see only its own documents.
func resetReadModel(t *testing.T, esURL string) {
	t.Helper()
	r := call(t, http.MethodGet, esURL+"/_cat/indices/plans-*?h=index", "", nil)
	if r.status != http.StatusOK && r.status != http.StatusNotFound {
		t.Fatalf("list indices: %d %s", r.status, r.body)
	}
	for _, index := range strings.Fields(string(r.body)) {
		if d := call(t, http.MethodDelete, esURL+"/"+index, "", nil); d.status != http.StatusOK {
			t.Fatalf("delete %s: %d %s", index, d.status, d.body)
		}
	}
}

func mintToken(t *testing.T, dataDir, scopes string) string {
	t.Helper()
	bin := binary(t)
	out, err := exec.Command(bin, "token", "--data-dir", dataDir, "--scope", scopes, "--sub", "roles-test").Output()
	if err != nil {
		t.Fatalf("planstore token: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// uniquePlan is the example plan with every objectId made unique by suffix.
func uniquePlan(t *testing.T, suffix string) []byte {
	t.Helper()
	s := string(exampleplan.JSON())
	for _, id := range []string{"1234vxc2324sdf-501", "1234520xvc30asdf-502", "1234512xvc1314asdfs-503", "27283xvx9asdff-504",
		"1234520xvc30sfs-505", "1234512xvc1314sdfsd-506", "27283xvx9sdf-507"} {
		s = strings.ReplaceAll(s, `"`+id+`"`, `"`+id+`-`+suffix+`"`)
	}
	return []byte(strings.ReplaceAll(s, `"12xvxc345ssdsds-508"`, `"plan-`+suffix+`"`))
}

// post sends a create without failing the test on transport errors: a killed server
// is expected here.
func post(client *http.Client, url, token string, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func call(t *testing.T, method, url, token string, body []byte, headers ...string) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}
