package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// role is one planstore process of the run. The harness is its supervisor: a role
// that exits (a relay that lost its lease does so on purpose) is started again, as a
// container's restart policy would, and the restart is counted.
type role struct {
	Name string // e.g. command-api-1
	Kind string // command-api, query-api, relay, projector
	Addr string

	bin  string
	args []string
	log  *os.File
	logs *logDir

	mu       sync.Mutex
	cmd      *exec.Cmd
	done     chan struct{}
	err      error
	stopping bool
	restarts []time.Time
}

func (r *role) baseURL() string { return "http://" + r.Addr }

// roleKinds are the four roles; the harness runs two of each.
var roleKinds = []string{"command-api", "query-api", "relay", "projector"}

// buildPlanstore builds the binary once, so the eight processes start fast and run the
// same code.
func buildPlanstore(ctx context.Context, o *options, logs *logDir) (string, error) {
	if o.planstoreBin != "" {
		return o.planstoreBin, nil
	}
	bin := filepath.Join(o.workDir, "bin", "planstore")
	cmd := exec.CommandContext(ctx, o.goTool, "build", "-o", bin, "./cmd/planstore")
	cmd.Dir = o.repo
	cmd.Stdout, cmd.Stderr = logs.backends, logs.backends
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/planstore: %w (see backends.log)", err)
	}
	return bin, nil
}

// mintToken makes the dev token every role accepts: all roles share the data dir that
// holds the dev signing key.
func mintToken(ctx context.Context, bin, keyFile, org string) (string, error) {
	if _, err := os.Stat(keyFile); errors.Is(err, fs.ErrNotExist) {
		if out, err := exec.CommandContext(ctx, bin, "keygen", keyFile).CombinedOutput(); err != nil {
			return "", fmt.Errorf("planstore keygen: %w: %s", err, out)
		}
	}
	out, err := exec.CommandContext(ctx, bin, "token", "--signing-key-file", keyFile,
		"--scope", "plans:read plans:write plans:admin", "--sub", "clusterharness", "--ttl", "6h", "--org", org).Output()
	if err != nil {
		return "", fmt.Errorf("planstore token: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// roleArgs are the flags of one role, as an operator following the README gives them:
// the API roles each with a data dir of its own and the deployment's one signing key,
// relay and projector without either (they verify no token). Flags only some versions
// of planstore know (the quorum queue type) are added when the binary's help lists them.
func roleArgs(kind, addr, dataDir, keyFile string, urls backendURLs, extra []string, help string) []string {
	args := []string{kind, "--addr", addr, "--redis-url", urls.redis}
	if kind == "command-api" || kind == "query-api" {
		args = append(args, "--data-dir", dataDir, "--signing-key-file", keyFile)
	}
	if kind != "command-api" {
		args = append(args, "--amqp-url", urls.amqp)
		if strings.Contains(help, "amqp-queue-type") {
			args = append(args, "--amqp-queue-type", "quorum")
		}
	}
	if kind == "query-api" || kind == "projector" {
		args = append(args, "--es-url", urls.es)
	}
	if kind == "relay" {
		// Longer than three Redis failovers (cluster-node-timeout 2 s each), so the lease
		// survives the master that holds it being killed (deployments/README.md).
		args = append(args, "--relay-lease-ttl", "15s")
	}
	return append(args, extra...)
}

type backendURLs struct{ redis, amqp, es string }

// signingKeyFile is the deployment's one dev signing key, made by planstore keygen.
func signingKeyFile(o *options) string { return filepath.Join(o.workDir, "signing-key.pem") }

// startRoles starts two processes of every role, each logging to its own file.
func startRoles(o *options, bin string, urls backendURLs, logs *logDir) ([]*role, error) {
	help, _ := exec.Command(bin, "relay", "-h").CombinedOutput() // -h exits non-zero; its text is what counts
	keyFile := signingKeyFile(o)
	var roles []*role
	port := o.portBase
	for _, kind := range roleKinds {
		for i := 1; i <= 2; i++ {
			port++
			r := &role{Name: kind + "-" + strconv.Itoa(i), Kind: kind, Addr: "127.0.0.1:" + strconv.Itoa(port), bin: bin, logs: logs}
			r.args = roleArgs(kind, r.Addr, filepath.Join(o.workDir, "data-"+r.Name), keyFile, urls, o.roleArgs, string(help))
			f, err := logs.file(r.Name + ".log")
			if err != nil {
				return roles, err
			}
			r.log = f
			if err := r.launch(); err != nil {
				return roles, err
			}
			roles = append(roles, r)
		}
	}
	return roles, nil
}

// launch starts the process in its own process group (so a stop reaches anything it
// started) and restarts it when it exits before stop.
func (r *role) launch() error {
	cmd := exec.Command(r.bin, r.args...)
	cmd.Stdout, cmd.Stderr = r.log, r.log
	// Small heaps: eight processes, three clusters and the load share two cores.
	cmd.Env = append(os.Environ(), "GOMEMLIMIT=256MiB")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", r.Name, err)
	}
	done := make(chan struct{})
	r.mu.Lock()
	r.cmd, r.done = cmd, done
	r.mu.Unlock()
	r.logs.logf("started %s pid %d on %s", r.Name, cmd.Process.Pid, r.Addr)
	go func() {
		err := cmd.Wait()
		r.mu.Lock()
		r.err = err
		stopping := r.stopping
		r.mu.Unlock()
		close(done)
		if stopping {
			return
		}
		r.logs.logf("%s exited: %v; restarting it in 1s (see %s.log)", r.Name, err, r.Name)
		time.Sleep(time.Second)
		r.mu.Lock()
		if r.stopping {
			r.mu.Unlock()
			return
		}
		r.restarts = append(r.restarts, time.Now())
		r.mu.Unlock()
		if err := r.launch(); err != nil {
			r.logs.logf("%s: %v", r.Name, err)
		}
	}()
	return nil
}

// restartTimes says when the role was restarted after exiting on its own.
func (r *role) restartTimes() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.restarts...)
}

func (r *role) current() (*exec.Cmd, chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cmd, r.done
}

// waitReady polls every role's /readyz until all answer 200.
func waitReady(ctx context.Context, roles []*role, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := &http.Client{Timeout: 3 * time.Second}
	pending := append([]*role(nil), roles...)
	last := map[string]string{}
	for len(pending) > 0 {
		var still []*role
		for _, r := range pending {
			s := probeReady(ctx, c, r)
			if s.Status != http.StatusOK {
				last[r.Name] = s.Summary
				still = append(still, r)
			}
		}
		pending = still
		if len(pending) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			var msgs []string
			for _, r := range pending {
				msgs = append(msgs, r.Name+": "+last[r.Name])
			}
			return fmt.Errorf("not ready within %s: %s", timeout, strings.Join(msgs, "; "))
		case <-time.After(500 * time.Millisecond):
		}
	}
	return nil
}

// stopRoles sends SIGTERM to every role's process group and SIGKILL to those still
// running after the grace.
func stopRoles(roles []*role, grace time.Duration) {
	signal := func(sig syscall.Signal) {
		for _, r := range roles {
			r.mu.Lock()
			r.stopping = true
			if r.cmd != nil && r.cmd.Process != nil {
				_ = syscall.Kill(-r.cmd.Process.Pid, sig)
			}
			r.mu.Unlock()
		}
	}
	signal(syscall.SIGTERM)
	deadline := time.After(grace)
	for _, r := range roles {
		_, done := r.current()
		select {
		case <-done:
		case <-deadline:
			signal(syscall.SIGKILL)
			<-done
		}
	}
	for _, r := range roles {
		_ = r.log.Close()
	}
}
