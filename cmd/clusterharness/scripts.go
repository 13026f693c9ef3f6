package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// script is one of the cluster scripts of deployments/ (or a stand-in with the same
// interface), run with its environment; its output goes to the harness's log.
type script struct {
	path string
	env  []string
	log  io.Writer
}

// scriptTimeout bounds one call: starting three Elasticsearch nodes on a busy 2-core
// machine is the slowest thing any of them does.
const scriptTimeout = 6 * time.Minute

// run runs the script with args and returns its last non-empty stdout line (where the
// start commands print their URLs).
func (s script) run(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.path, args...)
	cmd.Env = append(os.Environ(), s.env...)
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, s.log)
	cmd.Stderr = s.log
	fmt.Fprintf(s.log, "\n### %s %s %s (%s)\n", time.Now().UTC().Format(time.RFC3339), s.path, strings.Join(args, " "), strings.Join(s.env, " "))
	err := cmd.Run()
	last := lastLine(out.String())
	if err != nil {
		return last, fmt.Errorf("%s %s: %w (log: see backends.log)", s.path, strings.Join(args, " "), err)
	}
	return last, nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// exists says whether the script is there and executable, for a message that says which
// one is missing rather than a bare exec error.
func (s script) exists() error {
	st, err := os.Stat(s.path)
	if err != nil {
		return err
	}
	if st.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not executable", s.path)
	}
	return nil
}
