package main_test

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/transport/testenv"
)

// TestReplayCommandRebuildsTheServersReadModel runs `planstore replay` as a user would
// against a running embedded server and checks the searches answer the same after it.
func TestReplayCommandRebuildsTheServersReadModel(t *testing.T) {
	dataDir := t.TempDir()
	serve := startProcess(t, "serve", []string{"PLANSTORE_DATA_DIR=" + dataDir}, "serve")
	token := mintToken(t, dataDir, "plans:read plans:write")
	for _, s := range []string{"a", "b", "c"} {
		if r := call(t, http.MethodPost, serve.url+"/v1/plans", token, uniquePlan(t, s)); r.status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", s, r.status, r.body)
		}
	}
	if r := call(t, http.MethodDelete, serve.url+"/v1/plans/plan-b", token, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	const plans = `{"query":{"term":{"objectType":"plan"}},"track_total_hits":true}`
	testenv.WaitFor(t, 60*time.Second, "the read model", func() bool { return searchTotal(t, serve, token, plans) == 2 })

	bin := binary(t)
	cmd := exec.Command(bin, "replay", "--server", serve.url, "--data-dir", dataDir, "--json")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("planstore replay: %v\n%s", err, errOutput(err))
	}
	var status struct {
		State      string `json:"state"`
		EventsRead int    `json:"events_read"`
		IndexTo    string `json:"index_to"`
		IndexFrom  string `json:"index_from"`
	}
	if err := json.Unmarshal(out, &status); err != nil {
		t.Fatalf("--json output %q: %v", out, err)
	}
	if status.State != "done" || status.EventsRead < 4 || status.IndexTo == status.IndexFrom {
		t.Fatalf("replay status: %+v", status)
	}
	if got := searchTotal(t, serve, token, plans); got != 2 {
		t.Fatalf("%d plans searchable after the replay, want 2", got)
	}
	if got := searchTotal(t, serve, token, `{"query":{"match_all":{}},"track_total_hits":true}`); got != 16 {
		t.Fatalf("%d documents after the replay, want 16", got)
	}
	// Without a token of its own the CLI mints one from the data dir; a wrong server is a
	// clear error, not a hang.
	bad := exec.Command(bin, "replay", "--server", "http://127.0.0.1:1", "--data-dir", dataDir)
	if out, err := bad.CombinedOutput(); err == nil || !strings.Contains(string(out), "is the server running") {
		t.Fatalf("replay against no server: %v\n%s", err, out)
	}
}

func TestCheckSnapshotsCommand(t *testing.T) {
	testenv.Redis(t, redisDBRoles)
	dataDir := t.TempDir()
	env := []string{"PLANSTORE_REDIS_URL=" + testenv.RedisURL(redisDBRoles), "PLANSTORE_DATA_DIR=" + dataDir}
	api := startProcess(t, "command-api", env, "command-api")
	token := mintToken(t, dataDir, "plans:read plans:write")
	if r := call(t, http.MethodPost, api.url+"/v1/plans", token, uniquePlan(t, "snap")); r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	bin := binary(t)
	cmd := exec.Command(bin, "replay", "--check-snapshots", "--redis-url", testenv.RedisURL(redisDBRoles))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("check-snapshots: %v\n%s%s", err, out, errOutput(err))
	}
	if !strings.Contains(string(out), "1 plans, 1 events checked: 0 snapshot(s) differ") {
		t.Fatalf("check-snapshots said: %s", out)
	}
}

func errOutput(err error) string {
	if ee, ok := err.(*exec.ExitError); ok { //nolint:errorlint // os/exec returns it unwrapped
		return string(ee.Stderr)
	}
	return ""
}
