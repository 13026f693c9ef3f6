package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/imports"
	"github.com/planstore/planstore/imports/importtest"
	"github.com/planstore/planstore/transport/testenv"
)

// redisDBImports is the import tests' database on the test Redis.
const redisDBImports = 5

// importLines is big enough for several chunks (500 lines each) and cheap in CI.
const importLines = 3000

// importFile writes an import with 1 % invalid lines and 1 % conflicts and creates the
// conflicts' seed plans through p.
func importFile(t *testing.T, p *process, token, prefix string) (string, importtest.Expected) {
	t.Helper()
	var buf bytes.Buffer
	exp, err := importtest.Write(&buf, importtest.Mix{Prefix: prefix, Lines: importLines, InvalidEvery: 100, ConflictEvery: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range exp.Seeds {
		if r := call(t, http.MethodPost, p.url+"/v1/plans", token, []byte(s)); r.status != http.StatusCreated {
			t.Fatalf("seed: %d %s", r.status, r.body)
		}
	}
	file := filepath.Join(t.TempDir(), "plans.ndjson")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return file, exp
}

func importStatus(t *testing.T, p *process, token, location string) (imports.Status, bool) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, p.url+location, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return imports.Status{}, false // the server is down (killed, restarting)
	}
	defer resp.Body.Close()
	var st imports.Status
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&st) != nil {
		t.Fatalf("GET %s: %d", location, resp.StatusCode)
	}
	return st, true
}

// checkFinished checks a job's counts and error list against the file it imported.
func checkFinished(t *testing.T, st imports.Status, errorLines []byte, exp importtest.Expected) {
	t.Helper()
	want := map[string]int64{"created": int64(exp.Created), "invalid": int64(exp.Invalid), "conflict": int64(exp.Conflict), "replaced": 0, "unchanged": 0}
	if st.State != imports.StateSucceeded || fmt.Sprint(st.Counts) != fmt.Sprint(want) || st.Lines != importLines {
		t.Fatalf("job %s: %d lines %v, want succeeded %d lines %v", st.State, st.Lines, st.Counts, importLines, want)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(errorLines)), "\n") {
		var e imports.LineError
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("error line %q: %v", l, err)
		}
		lines = append(lines, fmt.Sprintf("%d:%s", e.Line, e.Outcome))
	}
	var wantLines []string
	for i, c := 0, 0; i < len(exp.InvalidLines) || c < len(exp.ConflictLines); {
		if c < len(exp.ConflictLines) && (i >= len(exp.InvalidLines) || exp.ConflictLines[c] < exp.InvalidLines[i]) {
			wantLines = append(wantLines, fmt.Sprintf("%d:conflict", exp.ConflictLines[c]))
			c++
		} else {
			wantLines = append(wantLines, fmt.Sprintf("%d:invalid", exp.InvalidLines[i]))
			i++
		}
	}
	if strings.Join(lines, " ") != strings.Join(wantLines, " ") {
		t.Fatalf("error list:\n%v\nwant\n%v", lines, wantLines)
	}
}

// checkOnce checks that every plan of the file that was created has exactly one event:
// no line was written twice.
func checkOnce(t *testing.T, p *process, token, prefix string, exp importtest.Expected) {
	t.Helper()
	failed := map[int]bool{}
	for _, l := range append(append([]int{}, exp.InvalidLines...), exp.ConflictLines...) {
		failed[l] = true
	}
	for line := 1; line <= importLines; line += 7 { // a sample keeps the test cheap
		r := call(t, http.MethodGet, fmt.Sprintf("%s/v1/plans/%s-%d/events", p.url, prefix, line), token, nil)
		var evs []json.RawMessage
		switch {
		case failed[line] && r.status == http.StatusNotFound:
		case !failed[line] && r.status == http.StatusOK && json.Unmarshal(r.body, &evs) == nil && len(evs) == 1:
		default:
			t.Fatalf("line %d (failed %v): history %d %s", line, failed[line], r.status, r.body)
		}
	}
}

// TestImportSurvivesKillingServe kills the embedded `planstore serve` with SIGKILL in the
// middle of an import and restarts it: the job resumes from the bbolt file and ends with
// exact counts, every line written once.
func TestImportSurvivesKillingServe(t *testing.T) {
	dataDir := t.TempDir()
	env := []string{"PLANSTORE_DATA_DIR=" + dataDir, "PLANSTORE_IMPORT_WORKERS=1"}
	serve := startProcess(t, "serve", env, "serve")
	token := mintToken(t, dataDir, "plans:read plans:write")
	file, exp := importFile(t, serve, token, "killserve")
	body, _ := os.ReadFile(file)
	r := call(t, http.MethodPost, serve.url+"/v1/imports", token, body, "Content-Type", "application/x-ndjson")
	location := r.header.Get("Location")
	if r.status != http.StatusAccepted || location == "" {
		t.Fatalf("POST /v1/imports: %d, Location %q", r.status, location)
	}
	var before imports.Status
	testenv.WaitFor(t, 2*time.Minute, "the import to be under way", func() bool {
		before, _ = importStatus(t, serve, token, location)
		return before.Processed > 0
	})
	serve.kill()
	if before.State.Final() {
		t.Fatalf("the import ended before the kill (%v): nothing to resume", before.Counts)
	}
	t.Logf("killed serve with %d of %d lines done", before.Processed, before.Lines)

	restarted := startProcess(t, "serve (restarted)", env, "serve")
	var st imports.Status
	testenv.WaitFor(t, 3*time.Minute, "the resumed import to end", func() bool {
		st, _ = importStatus(t, restarted, token, location)
		return st.State.Final()
	})
	r = call(t, http.MethodGet, restarted.url+location+"/errors", token, nil)
	checkFinished(t, st, r.body, exp)
	checkOnce(t, restarted, token, "killserve", exp)
}

// TestImportTwoWorkersOnRabbitMQSurviveKill runs the import through `planstore import`
// against serve on Redis and RabbitMQ, with two `planstore worker` processes; one is
// killed with SIGKILL mid-job and restarted. The CLI follows the job to its end.
func TestImportTwoWorkersOnRabbitMQSurviveKill(t *testing.T) {
	testenv.Redis(t, redisDBImports)
	dataDir := t.TempDir()
	env := []string{"PLANSTORE_DATA_DIR=" + dataDir, "PLANSTORE_REDIS_URL=" + testenv.RedisURL(redisDBImports),
		"PLANSTORE_AMQP_URL=" + testenv.Vhost(t), "PLANSTORE_IMPORT_WORKERS=1"}
	serve := startProcess(t, "serve", append(env, "PLANSTORE_IMPORT_WORKERS=-1"), "serve") // no worker of its own
	token := mintToken(t, dataDir, "plans:read plans:write")
	workerA := startProcess(t, "worker A", env, "worker")
	startProcess(t, "worker B", env, "worker")
	file, exp := importFile(t, serve, token, "killworker")

	bin := binary(t)
	errorsFile := filepath.Join(t.TempDir(), "errors.ndjson")
	cli := exec.Command(bin, "import", "--server", serve.url, "--token", token, "--errors", errorsFile, "--json", "--poll", "50ms", file)
	var stdout bytes.Buffer
	var stderr testenv.LogBuffer
	cli.Stdout, cli.Stderr = &stdout, &stderr
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var exitErr error
	go func() { exitErr = cli.Wait(); close(exited) }()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("planstore import's output:\n%s", stderr.String())
		}
	})
	var location string
	testenv.WaitFor(t, 2*time.Minute, "the CLI to name its job", func() bool {
		ended := isClosed(exited) // before reading stderr: an ended CLI has written all of it
		if id := acceptedImport(stderr.String()); id != "" {
			location = "/v1/imports/" + id
			return true
		}
		if ended {
			t.Fatalf("planstore import ended (%v) without naming its job:\n%s", exitErr, stderr.String())
		}
		return false
	})
	testenv.WaitFor(t, 2*time.Minute, "the import to be under way", func() bool {
		st, _ := importStatus(t, serve, token, location)
		return st.Processed > 0
	})
	workerA.kill()
	t.Log("killed worker A mid-job")
	startProcess(t, "worker A (restarted)", env, "worker")
	select {
	case <-exited:
		// The file has invalid and conflicting lines: the job succeeds, the CLI exits 3.
		var exit *exec.ExitError
		if !errors.As(exitErr, &exit) || exit.ExitCode() != 3 {
			t.Fatalf("planstore import: %v (want exit status 3: some lines failed)\n%s", exitErr, stderr.String())
		}
	case <-time.After(3 * time.Minute):
		_ = cli.Process.Kill()
		t.Fatalf("planstore import did not end; its progress:\n%s", stderr.String())
	}
	var st imports.Status
	if err := json.Unmarshal(stdout.Bytes(), &st); err != nil {
		t.Fatalf("--json output %q: %v", stdout.String(), err)
	}
	errorLines, err := os.ReadFile(errorsFile)
	if err != nil {
		t.Fatal(err)
	}
	checkFinished(t, st, errorLines, exp)
	checkOnce(t, serve, token, "killworker", exp)
	if !strings.Contains(stderr.String(), "lines/s") {
		t.Fatalf("progress line without a rate:\n%s", stderr.String())
	}
}

// acceptedImport is the job `planstore import` names on the line it prints once the
// server accepted the upload, "import <id> accepted: ...", or "" before that line. Lines
// about the upload ("uploading: ...") may come first when the upload takes a while.
func acceptedImport(stderr string) string {
	for _, line := range strings.Split(stderr, "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[0] == "import" && f[2] == "accepted:" {
			return f[1]
		}
	}
	return ""
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// TestImportExitStatus: `planstore import` exits 0 when every line was imported and 3
// when the job ran to its end with failed lines, and prints its summary either way.
func TestImportExitStatus(t *testing.T) {
	dataDir := t.TempDir()
	serve := startProcess(t, "serve", []string{"PLANSTORE_DATA_DIR=" + dataDir}, "serve")
	token := mintToken(t, dataDir, "plans:read plans:write")
	bin := binary(t)
	run := func(name, content string) (int, string) {
		file := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		cli := exec.Command(bin, "import", "--server", serve.url, "--token", token, "--poll", "50ms", file)
		out, err := cli.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return 0, string(out)
		case errors.As(err, &exit):
			return exit.ExitCode(), string(out)
		}
		t.Fatalf("planstore import: %v", err)
		return 0, ""
	}
	valid := importtest.Plan("exitok-1", "exitok-1", 1) + "\n" + importtest.Plan("exitok-2", "exitok-2", 2) + "\n"
	if code, out := run("ok.ndjson", valid); code != 0 || !strings.Contains(out, "succeeded") {
		t.Fatalf("all lines valid: exit %d, want 0\n%s", code, out)
	}
	if code, out := run("bad.ndjson", "{}\n{\"objectId\": 5}\n"); code != 3 || !strings.Contains(out, "2 line(s) failed") || !strings.Contains(out, "succeeded") {
		t.Fatalf("every line invalid: exit %d, want 3 with the summary\n%s", code, out)
	}
}
