// Package testservices holds the tests of the first-run path (issue 22): the README's
// test command sets up the services the tests need, lint refuses to pass without its
// linter, CI runs what the README promises, and the README's curl session runs.
package testservices

import (
	"bytes"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/transport/testenv"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// requireServices skips (fails under CI) unless the Redis and RabbitMQ the tests use
// answer: with-services.sh reuses them, so these tests start nothing.
func requireServices(t *testing.T) {
	t.Helper()
	redisURL, _ := url.Parse(testenv.RedisURL(0))
	amqpURL, _ := url.Parse(testenv.BrokerURL())
	for _, hostport := range []string{redisURL.Host, amqpURL.Host} {
		conn, err := net.DialTimeout("tcp", hostport, 2*time.Second)
		if err != nil {
			testenv.Unavailable(t, "%s: %v", hostport, err)
			return
		}
		conn.Close()
	}
	if _, err := exec.LookPath("rabbitmqctl"); err != nil {
		testenv.Unavailable(t, "rabbitmqctl: %v", err)
	}
}

// withFakeLocalES runs with-services.sh with env on a deployments/local-es stand-in
// whose start.sh reports a node on http://127.0.0.1:19201, and returns the
// PLANSTORE_TEST_ES_URL the wrapped command saw and whether start.sh ran.
func withFakeLocalES(t *testing.T, env ...string) (esURL string, started bool) {
	t.Helper()
	dir := t.TempDir()
	marker := filepath.Join(dir, "started")
	scripts := map[string]string{
		"start.sh": "#!/bin/sh\ntouch " + marker + "\necho http://127.0.0.1:19201\n",
		"smoke.sh": "#!/bin/sh\nexit 0\n",
	}
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(filepath.Join(repoRoot(t), "deployments/test-services/with-services.sh"),
		"sh", "-c", `printf %s "$PLANSTORE_TEST_ES_URL"`)
	cmd.Env = append(withoutEnv(os.Environ(), "PLANSTORE_TEST_ES_URL"), append(env, "PLANSTORE_LOCAL_ES_DIR="+dir)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("with-services.sh: %v\n%s", err, stderr.String())
	}
	_, err := os.Stat(marker)
	return stdout.String(), err == nil
}

func withoutEnv(env []string, names ...string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains(names, name)
	})
}

// Issue 22: CI pointed the tests at port 9200 whatever port PLANSTORE_ES_PORT started
// Elasticsearch on. The tests now get the URL start.sh reports.
func TestWithServicesExportsTheURLElasticsearchStartedOn(t *testing.T) {
	requireServices(t)
	got, started := withFakeLocalES(t, "PLANSTORE_ES_PORT=19201")
	if got != "http://127.0.0.1:19201" {
		t.Fatalf("PLANSTORE_TEST_ES_URL = %q, want the URL start.sh reported", got)
	}
	if !started {
		t.Fatal("start.sh was not run")
	}
}

// A PLANSTORE_TEST_ES_URL the caller set is used as is, without a local node.
func TestWithServicesKeepsAGivenElasticsearchURL(t *testing.T) {
	requireServices(t)
	got, started := withFakeLocalES(t, "PLANSTORE_TEST_ES_URL=http://es.example:9200")
	if got != "http://es.example:9200" {
		t.Fatalf("PLANSTORE_TEST_ES_URL = %q, want the caller's", got)
	}
	if started {
		t.Fatal("start.sh ran although PLANSTORE_TEST_ES_URL was given")
	}
}

// Issue 22: make lint passed when golangci-lint was missing.
func TestMakeLintFailsWithoutGolangciLint(t *testing.T) {
	makeBin, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make is not installed")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	path := filepath.Dir(goBin) + string(os.PathListSeparator) + "/usr/bin:/bin"
	for _, dir := range filepath.SplitList(path) {
		if _, err := os.Stat(filepath.Join(dir, "golangci-lint")); err == nil {
			t.Skipf("golangci-lint is installed in %s", dir)
		}
	}
	cmd := exec.Command(makeBin, "-s", "lint")
	cmd.Dir = repoRoot(t)
	cmd.Env = append(withoutEnv(os.Environ(), "PATH"), "PATH="+path)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("make lint passed without golangci-lint:\n%s", out)
	}
	want := "go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v"
	if !strings.Contains(string(out), want) {
		t.Fatalf("make lint failed without saying how to install golangci-lint:\n%s", out)
	}
}

// CI runs the README's test command and checks the rest of what the README promises.
func TestCIRunsWhatTheREADMEPromises(t *testing.T) {
	ci := readFile(t, ".ci/run")
	for _, step := range []string{"make test\n", "make lint\n", ".ci/schemathesis.sh\n", ".ci/readme-session.sh\n", "go install \"github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$version\""} {
		if !strings.Contains(ci, step) {
			t.Errorf(".ci/run does not run %q", strings.TrimSpace(step))
		}
	}
	if strings.Contains(ci, "9200") {
		t.Error(".ci/run names port 9200; the tests must get the port Elasticsearch started on")
	}
	if !regexp.MustCompile(`(?m)^GOLANGCI_LINT_VERSION \?= v[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(readFile(t, "Makefile")) {
		t.Error("the Makefile does not pin GOLANGCI_LINT_VERSION")
	}
	readme := readFile(t, "README.md")
	if !strings.Contains(readme, "```sh\nmake test\n```") {
		t.Error("README.md's test command is not `make test`")
	}
}

// readmeSession is the README's "Try it with curl" block, as .ci/readme-session.sh
// extracts it.
func readmeSession(t *testing.T) string {
	t.Helper()
	readme := readFile(t, "README.md")
	_, section, ok := strings.Cut(readme, "\n## Try it with curl\n")
	if !ok {
		t.Fatal("README.md has no '## Try it with curl'")
	}
	_, block, ok := strings.Cut(section, "```sh\n")
	if !ok {
		t.Fatal("no ```sh block under '## Try it with curl'")
	}
	block, _, _ = strings.Cut(block, "\n```")
	return block
}

// Issue 22: the session used $ADMIN without defining it. Every variable it reads is
// set in it (or is one the shell provides).
func TestREADMESessionDefinesEveryVariable(t *testing.T) {
	block := readmeSession(t)
	defined := map[string]bool{"!": true}
	for _, m := range regexp.MustCompile(`(?m)(?:^|export |\s)([A-Z_][A-Z0-9_]*)=`).FindAllStringSubmatch(block, -1) {
		defined[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`).FindAllStringSubmatch(block, -1) {
		if !defined[m[1]] {
			t.Errorf("the README session uses $%s without setting it", m[1])
		}
	}
	for _, want := range []string{"/readyz", "-X PUT", "kill $SERVER", "mktemp -d"} {
		if !strings.Contains(block, want) {
			t.Errorf("the README session lacks %q", want)
		}
	}
	if regexp.MustCompile(`If-(None-)?Match: "[0-9]+"'`).MatchString(strings.ReplaceAll(block, `'If-Match: "1"'`, "")) {
		t.Error("the README session hard-codes an ETag (only the deliberate stale one may be)")
	}
}

// The session itself, run twice with every status code checked: what CI runs.
func TestREADMESessionRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts planstore twice")
	}
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	addr := os.Getenv("PLANSTORE_README_ADDR")
	if addr == "" {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = l.Addr().String()
		l.Close()
	}
	cmd := exec.Command(filepath.Join(repoRoot(t), ".ci/readme-session.sh"))
	cmd.Dir = repoRoot(t)
	cmd.Env = append(withoutEnv(os.Environ(), "PLANSTORE_ADDR", "PLANSTORE_DATA_DIR"), "PLANSTORE_ADDR="+addr)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README session failed: %v\n%s", err, tail(out, 60))
	}
	t.Logf("%s", tail(out, 4))
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
