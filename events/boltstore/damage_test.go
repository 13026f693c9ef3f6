package boltstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/boltfile"
	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/events/storetest"
)

// Issue 22: a damaged or emptied events.db must stop the store from opening with an
// error naming the file and what to do; it must never crash the process, nor come up
// empty where plans were.

// filledDir returns a data dir whose store holds plans, closed again.
func filledDir(t *testing.T, plans int) string {
	t.Helper()
	dir := t.TempDir()
	s, err := boltstore.Open(dir, storetest.NewCodec(t))
	if err != nil {
		t.Fatal(err)
	}
	for i := range plans {
		if err := s.Append(context.Background(), storetest.CreateCommit(storetest.NewPlan(fmt.Sprintf("plan-%d", i), i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func storePath(dir string) string { return filepath.Join(dir, boltstore.FileName) }

// checkOpenRefused opens the store in dir, which must fail with an error of type E
// (a *boltfile.LostError or *boltfile.DamagedError) whose text says each of says.
func checkOpenRefused[E error](t *testing.T, dir string, says ...string) {
	t.Helper()
	_, err := boltstore.Open(dir, storetest.NewCodec(t))
	var refusal E
	if !errors.As(err, &refusal) {
		t.Fatalf("open: %v, want a %T", err, refusal)
	}
	for _, want := range says {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestEmptiedStoreIsRefused(t *testing.T) {
	dir := filledDir(t, 3)
	if err := os.Truncate(storePath(dir), 0); err != nil {
		t.Fatal(err)
	}
	checkOpenRefused[*boltfile.LostError](t, dir,
		storePath(dir), "held data", "Restore the file from a backup", "move the whole data dir aside")
}

func TestDeletedStoreIsRefused(t *testing.T) {
	dir := filledDir(t, 1)
	if err := os.Remove(storePath(dir)); err != nil {
		t.Fatal(err)
	}
	checkOpenRefused[*boltfile.LostError](t, dir)
}

// A data dir from before the record existed: an empty events.db beside an audit log
// with entries has lost its events too.
func TestEmptiedStoreBesideAnAuditLogIsRefused(t *testing.T) {
	dir := filledDir(t, 1)
	if err := os.Remove(filepath.Join(dir, boltfile.RecordName)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "audit.db"), []byte("not empty"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(storePath(dir), 0); err != nil {
		t.Fatal(err)
	}
	checkOpenRefused[*boltfile.LostError](t, dir, "audit.db")
}

// "Never had data" still starts: a new dir, and a 0-byte file left by a crash during
// the very first open (before bbolt wrote its first pages, so before the record).
func TestNewStoreStarts(t *testing.T) {
	for name, prepare := range map[string]func(dir string) error{
		"new dir":                 func(string) error { return nil },
		"empty file, no evidence": func(dir string) error { return os.WriteFile(storePath(dir), nil, 0o600) },
		"only a dev key":          func(dir string) error { return os.MkdirAll(filepath.Join(dir, "auth"), 0o700) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := prepare(dir); err != nil {
				t.Fatal(err)
			}
			s, err := boltstore.Open(dir, storetest.NewCodec(t))
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			_ = s.Close()
			if _, err := os.Stat(filepath.Join(dir, boltfile.RecordName)); err != nil {
				t.Errorf("no record written: %v", err)
			}
		})
	}
}

func TestDamagedStoreIsRefused(t *testing.T) {
	for name, damage := range map[string]func(t *testing.T, path string){
		"truncated to half": func(t *testing.T, path string) {
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, info.Size()/2); err != nil {
				t.Fatal(err)
			}
		},
		"truncated to 100 bytes": func(t *testing.T, path string) {
			if err := os.Truncate(path, 100); err != nil {
				t.Fatal(err)
			}
		},
		"random bytes mid-file": func(t *testing.T, path string) {
			overwrite(t, path, 0.25, 0.75)
		},
		"random bytes over the meta pages": func(t *testing.T, path string) {
			overwriteRange(t, path, 0, 8192)
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filledDir(t, 200)
			damage(t, storePath(dir))
			checkOpenRefused[*boltfile.DamagedError](t, dir, storePath(dir), "damaged", "restore it from a backup", "planstore check")
		})
	}
}

func TestVerifyReportsAWholeStore(t *testing.T) {
	dir := filledDir(t, 5)
	rep, err := boltfile.Verify(dir, boltstore.FileName, boltfile.Options{SiblingsAreEvidence: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.New || rep.Keys == 0 || rep.Buckets == 0 {
		t.Errorf("report %+v", rep)
	}
	s, err := boltstore.Open(dir, storetest.NewCodec(t))
	if err != nil {
		t.Fatalf("reopen of a whole store: %v", err)
	}
	defer s.Close()
	if _, err := s.Load(context.Background(), "plan-4"); err != nil {
		t.Errorf("plan-4 after reopen: %v", err)
	}
	if _, err := s.Load(context.Background(), "plan-5"); !errors.Is(err, events.ErrNotFound) {
		t.Errorf("plan-5: %v", err)
	}
}

// overwrite fills the part of the file between the fractions from and to with random
// bytes (a fixed seed, so a failure can be reproduced).
func overwrite(t *testing.T, path string, from, to float64) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	overwriteRange(t, path, int64(float64(info.Size())*from), int64(float64(info.Size())*to))
}

func overwriteRange(t *testing.T, path string, from, to int64) {
	t.Helper()
	junk := make([]byte, to-from)
	r := rand.New(rand.NewPCG(22, 22))
	for i := range junk {
		junk[i] = byte(r.Uint32())
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(junk, from); err != nil {
		t.Fatal(err)
	}
}

// A store file held by a running store is reported in use, not damaged.
func TestVerifyOfAStoreInUse(t *testing.T) {
	dir := filledDir(t, 1)
	s, err := boltstore.Open(dir, storetest.NewCodec(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = boltfile.Verify(dir, boltstore.FileName, boltfile.Options{LockTimeout: 100 * time.Millisecond})
	var damaged *boltfile.DamagedError
	if !errors.Is(err, boltfile.ErrInUse) || errors.As(err, &damaged) {
		t.Fatalf("verify of a store in use: %v, want ErrInUse", err)
	}
}
