package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTokenComesFromFlagThenFileThenEnvironment(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(tokenEnv, "from-env")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--token", "from-flag", "--token-file", file}, "from-flag"},
		{[]string{"--token-file", file}, "from-file"},
		{nil, "from-env"},
	} {
		o, err := parseOptions("run", c.args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if o.token != c.want {
			t.Errorf("%v: token %q, want %q", c.args, o.token, c.want)
		}
	}
}

func TestOptionsAreValidated(t *testing.T) {
	for _, args := range [][]string{
		{"--clients", "0"}, {"--duration", "0s"}, {"--revalidate", "2"}, {"--lag-sample", "1.5"},
		{"--token-file", "/nonexistent/token"}, {"stray"},
	} {
		if _, err := parseOptions("run", args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	if _, err := parseOptions("baseline", []string{"--bare", "docker"}, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "--bare") {
		t.Errorf("--bare docker: %v", err)
	}
	if _, err := parseOptions("run", []string{"--http-client", "curl"}, io.Discard); err == nil ||
		!strings.Contains(err.Error(), `--http-client "curl": want wire or net/http`) {
		t.Errorf("--http-client curl: %v", err)
	}
	if _, err := parseOptions("baseline", []string{"--scenario", "read"}, io.Discard); err == nil {
		t.Error("baseline accepted --scenario, which only run has")
	}
}

func TestUnknownScenarioFailsBeforeConnecting(t *testing.T) {
	var stderr strings.Builder
	code := run(t.Context(), []string{"--scenario", "soak", "--url", "http://127.0.0.1:1"}, io.Discard, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "create-only") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestPopulateOptionsAreValidated(t *testing.T) {
	for _, args := range [][]string{
		{"--plans", "0"}, {"--job-lines", "-1"}, {"--poll", "0s"}, {"stray"},
	} {
		_, err := parsePopulateOptions(append([]string{"--token", "t"}, args...), io.Discard)
		if err == nil {
			t.Errorf("populate %v accepted", args)
			continue
		}
		if args[0] != "stray" && !strings.Contains(err.Error(), "must be positive") {
			t.Errorf("populate %v: %v, want it to say the value must be positive", args, err)
		}
	}
	if _, err := parsePopulateOptions([]string{"--token-file", "/nonexistent/token"}, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "--token-file") {
		t.Errorf("populate --token-file /nonexistent/token: %v", err)
	}
}
