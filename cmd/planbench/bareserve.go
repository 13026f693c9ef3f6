package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/planstore/planstore/cmd/planbench/internal/bare"
)

// Where the bare baseline handler runs.
const (
	bareInProcess = "in-process" // beside the generator, one Go runtime for both
	bareProcess   = "process"    // a child process, like planstore: its own runtime and GC
)

// bareServeCommand is the hidden command the child process runs.
const bareServeCommand = "bare-serve"

// runningBare is a started baseline server.
type runningBare struct {
	url  string
	pid  int // of the child process; 0 in process
	stop func() error
}

// startBare starts the bare handler serving plans, in this process or in a child.
func startBare(mode string, plans map[string]bare.Entry) (*runningBare, error) {
	if mode == bareInProcess {
		srv, err := bare.Start(bare.Handler(plans))
		if err != nil {
			return nil, err
		}
		stop := func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return srv.Close(ctx)
		}
		return &runningBare{url: srv.URL, stop: stop}, nil
	}
	return startBareProcess(plans)
}

// startBareProcess re-runs this binary as `planbench bare-serve` and reads the URL it
// prints.
func startBareProcess(plans map[string]bare.Entry) (*runningBare, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find planbench's own binary: %w", err)
	}
	dir, err := os.MkdirTemp("", "planbench-bare-")
	if err != nil {
		return nil, fmt.Errorf("temp dir for the baseline plans: %w", err)
	}
	file := filepath.Join(dir, "plans.json")
	if err := bare.WriteEntries(file, plans); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	cmd := exec.Command(self, bareServeCommand, "--plans-file", file)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("baseline process stdout: %w", err)
	}
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("start the baseline process: %w", err)
	}
	stop := func() error {
		defer os.RemoveAll(dir)
		_ = cmd.Process.Signal(os.Interrupt) // an exited child is what stop wants anyway
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("the baseline process: %w", err)
			}
			return nil
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			if err := <-done; err == nil {
				return errors.New("the baseline process ignored SIGINT for 5 s")
			}
			return errors.New("the baseline process ignored SIGINT and was killed")
		}
	}
	url, err := readURLLine(out, 30*time.Second)
	if err != nil {
		_ = stop()
		return nil, err
	}
	return &runningBare{url: url, pid: cmd.Process.Pid, stop: stop}, nil
}

// readURLLine reads the first line the child prints, its URL, then keeps the pipe
// drained so the child never blocks on a write.
func readURLLine(r io.Reader, timeout time.Duration) (string, error) {
	line := make(chan string, 1)
	go func() {
		br := bufio.NewReader(r)
		s, _ := br.ReadString('\n') // a short read leaves a line the check below refuses
		line <- strings.TrimSpace(s)
		_, _ = io.Copy(io.Discard, br)
	}()
	select {
	case url := <-line:
		if !strings.HasPrefix(url, "http://") {
			return "", fmt.Errorf("the baseline process did not print its URL (got %q)", url)
		}
		return url, nil
	case <-time.After(timeout):
		return "", errors.New("the baseline process did not start in time")
	}
}

// runBareServe is the child: serve the plans file until interrupted.
func runBareServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("planbench "+bareServeCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("plans-file", "", "plans written by planbench baseline")
	if err := fs.Parse(args); err != nil {
		return err
	}
	plans, err := bare.ReadEntries(*file)
	if err != nil {
		return err
	}
	srv, err := bare.Start(bare.Handler(plans))
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(stdout, srv.URL); err != nil {
		return fmt.Errorf("print the URL: %w", err)
	}
	<-ctx.Done()
	closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Close(closeCtx)
}
