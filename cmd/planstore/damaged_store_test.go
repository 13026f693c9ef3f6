package main_test

import (
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/planstore/planstore/events/boltfile"
	"github.com/planstore/planstore/transport/messaging/audit"
)

// Issue 22: `planstore serve` on an emptied or damaged events.db exits 1 with an error
// naming the file and what to do (no goroutine dump, no empty store), and `planstore
// check` finds the same offline.
func TestServeRefusesADamagedOrEmptiedStore(t *testing.T) {
	bin := binary(t)
	good := t.TempDir()
	env := []string{"PLANSTORE_DATA_DIR=" + good}
	serve := startProcess(t, "serve", env, "serve")
	token := mintToken(t, good, "plans:read plans:write")
	if r := call(t, http.MethodPost, serve.url+"/v1/plans", token, uniquePlan(t, "damage")); r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	serve.stop()

	if out, err := exec.Command(bin, "check", "--data-dir", good).CombinedOutput(); err != nil ||
		!strings.Contains(string(out), "events.db: ok") {
		t.Fatalf("check of a whole data dir: %v\n%s", err, out)
	}

	for name, c := range map[string]struct {
		damage func(path string) error
		says   string
	}{
		"emptied": {func(path string) error { return os.Truncate(path, 0) }, "missing or empty, but this data dir held data"},
		"halved": {func(path string) error {
			info, err := os.Stat(path)
			if err != nil {
				return err
			}
			return os.Truncate(path, info.Size()/2)
		}, "is damaged"},
		"random bytes mid-file": {func(path string) error {
			info, err := os.Stat(path)
			if err != nil {
				return err
			}
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			junk := make([]byte, info.Size()/2)
			for i := range junk {
				junk[i] = byte(i*7919 + 13)
			}
			_, err = f.WriteAt(junk, info.Size()/4)
			return err
		}, "is damaged"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			copyDir(t, good, dir)
			path := filepath.Join(dir, "events.db")
			if err := c.damage(path); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", dir).CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("serve: %v, want exit code 1:\n%s", err, out)
			}
			for _, want := range []string{path, c.says, "backup"} {
				if !strings.Contains(string(out), want) {
					t.Errorf("serve's error does not say %q:\n%s", want, out)
				}
			}
			if strings.Contains(string(out), "goroutine ") || strings.Contains(string(out), "planstore started") {
				t.Errorf("serve crashed or started:\n%s", out)
			}
			out, err = exec.Command(bin, "check", "--data-dir", dir).CombinedOutput()
			if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "FAIL "+path) {
				t.Errorf("check: %v, want exit 1 and FAIL naming %s:\n%s", err, path, out)
			}
		})
	}
}

// TestAnAuditFileTheRecordListsButIsGoneIsLost: a data dir of an earlier version whose
// audit.db was deleted before serve moved it into events.db lost its audit log; serve
// and check must say so, not carry on as if there were nothing to move.
func TestAnAuditFileTheRecordListsButIsGoneIsLost(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	serve := startProcess(t, "serve", []string{"PLANSTORE_DATA_DIR=" + dir}, "serve")
	serve.stop()
	if err := boltfile.RecordFile(dir, audit.BoltFileName); err != nil { // as an earlier version left it
		t.Fatal(err)
	}
	path := filepath.Join(dir, audit.BoltFileName)
	out, err := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", dir).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), path) ||
		!strings.Contains(string(out), "missing or empty, but this data dir held data") {
		t.Errorf("serve: %v, want exit 1 naming %s as lost:\n%s", err, path, out)
	}
	out, err = exec.Command(bin, "check", "--data-dir", dir).CombinedOutput()
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "FAIL "+path) {
		t.Errorf("check: %v, want exit 1 and FAIL naming %s:\n%s", err, path, out)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		src, err := os.Open(path)
		if err != nil {
			return err
		}
		defer src.Close()
		dst, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer dst.Close()
		_, err = io.Copy(dst, src)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
