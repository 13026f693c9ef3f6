package main_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// TestStartUpSaysWhatAnOperatorNeeds: the start-up line survives --log-level warn (it
// names the port 0 chose), start-up is a handful of lines with readable durations, a
// second server on a locked data dir names the file and its holder, and version works.
func TestStartUpSaysWhatAnOperatorNeeds(t *testing.T) {
	dir := t.TempDir()
	quiet := startProcess(t, "serve --log-level warn", nil, "serve", "--data-dir", dir, "--log-level", "warn")
	if quiet.url == "" {
		t.Fatal("no address announced at --log-level warn")
	}

	chatty := startProcess(t, "serve --log-level info", nil, "serve", "--data-dir", t.TempDir(), "--log-level", "info")
	lines := strings.Split(strings.TrimSpace(chatty.logText()), "\n")
	if len(lines) > 10 {
		t.Errorf("start-up logged %d lines at info, want a handful:\n%s", len(lines), chatty.logText())
	}
	for _, line := range lines {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("not JSON: %s", line)
		}
		if entry["component"] == "watermill" {
			t.Errorf("watermill narrates at info: %s", line)
		}
		if d, ok := entry["startup"]; ok {
			if _, isText := d.(string); !isText {
				t.Errorf("startup duration %v is not a duration string: %s", d, line)
			}
		}
	}

	bin := binary(t)
	out, err := exec.Command(bin, "serve", "--data-dir", dir, "--addr", "127.0.0.1:0").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("second server on a locked data dir: %v\n%s", err, out)
	}
	want := fmt.Sprintf("events.db is locked by process %d", quiet.cmd.Process.Pid)
	if !strings.Contains(string(out), want) || !strings.Contains(string(out), "--data-dir") {
		t.Fatalf("the refusal does not say %q and what to do:\n%s", want, out)
	}

	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), "planstore ") || !strings.Contains(string(out), "go1.") {
			t.Errorf("planstore %v: %v %q", args, err, out)
		}
	}
}
