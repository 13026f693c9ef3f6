package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles the real planstore binary once per test binary run.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "planstore-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "planstore")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", &buildError{out: out, err: err}
	}
	return bin, nil
})

// binary is the planstore binary, built on first use.
func binary(tb testing.TB) string {
	tb.Helper()
	bin, err := buildBinary()
	if err != nil {
		tb.Fatalf("build planstore: %v", err)
	}
	return bin
}

type buildError struct {
	out []byte
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + string(e.out) }

// process is one running planstore role, started as a user would start it.
type process struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	url  string

	mu  sync.Mutex
	log bytes.Buffer
}

// startProcess runs `planstore <args>` with --addr 127.0.0.1:0 (or PLANSTORE_TEST_ADDR
// from env) and waits for its "planstore started" log line, which names the address it
// listens on.
func startProcess(t *testing.T, name string, env []string, args ...string) *process {
	t.Helper()
	bin := binary(t)
	p := &process{t: t, name: name}
	addr := "127.0.0.1:0"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PLANSTORE_TEST_ADDR="); ok {
			addr = v
		}
	}
	p.cmd = exec.Command(bin, append(args, "--addr", addr)...)
	p.cmd.Env = append(os.Environ(), env...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(p.stop)
	started := make(chan string, 1)
	go p.readLog(stderr, started)
	select {
	case p.url = <-started:
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not start; its log:\n%s", name, p.logTail())
	}
	if p.url == "" {
		t.Fatalf("%s exited during start-up; its log:\n%s", name, p.logTail())
	}
	return p
}

func (p *process) readLog(r io.Reader, started chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	announced := false
	for sc.Scan() {
		line := sc.Bytes()
		p.mu.Lock()
		p.log.Write(line)
		p.log.WriteByte('\n')
		p.mu.Unlock()
		var entry struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if !announced && json.Unmarshal(line, &entry) == nil && entry.Msg == "planstore started" {
			started <- entry.Addr
			announced = true
		}
	}
	if !announced {
		started <- ""
	}
}

func (p *process) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// logTail is the end of the role's log, enough to explain a failure without flooding it.
func (p *process) logTail() string {
	lines := strings.Split(strings.TrimSpace(p.logText()), "\n")
	if len(lines) > 30 {
		lines = append([]string{"..."}, lines[len(lines)-30:]...)
	}
	return strings.Join(lines, "\n")
}

// stop ends the role gracefully, as an orchestrator would.
func (p *process) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// kill ends the role with SIGKILL: no shutdown code runs.
func (p *process) kill() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// wait waits for the role to exit on its own, and returns how it exited.
func (p *process) wait(limit time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		p.kill()
		p.t.Fatalf("%s did not exit within %s; its log:\n%s", p.name, limit, p.logTail())
		return nil
	}
}

func (p *process) logMentions(s string) bool { return strings.Contains(p.logText(), s) }
