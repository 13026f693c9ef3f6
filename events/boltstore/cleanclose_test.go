package boltstore_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/planstore/planstore/events/boltfile"
	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/events/storetest"
)

// The full walk of events.db (every key, then bbolt's Tx.Check) is skipped at an open
// after a clean close when the file is exactly as that close left it, and runs
// whenever anything may have changed it since.

// verifyTrusting runs the check an open runs (trusting a clean close).
func verifyTrusting(t *testing.T, dir string) boltfile.Report {
	t.Helper()
	rep, err := boltfile.Verify(dir, boltstore.FileName, boltfile.Options{SiblingsAreEvidence: true, TrustCleanClose: true})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

func wantWalked(t *testing.T, rep boltfile.Report, why string) {
	t.Helper()
	if rep.Unchanged || rep.Keys == 0 {
		t.Fatalf("%s: the file was not walked: %+v", why, rep)
	}
}

func TestACleanCloseSkipsTheWalkAtTheNextOpen(t *testing.T) {
	dir := filledDir(t, 20) // closed cleanly
	for session := range 2 {
		if rep := verifyTrusting(t, dir); !rep.Unchanged || rep.Keys != 0 {
			t.Fatalf("session %d: after a clean close the file was walked: %+v", session, rep)
		}
		s, err := boltstore.Open(dir, storetest.NewCodec(t))
		if err != nil {
			t.Fatal(err)
		}
		// Open commits at once, so while it is open the record is already stale.
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// `planstore check` does not trust the record: it always walks.
	rep, err := boltfile.Verify(dir, boltstore.FileName, boltfile.Options{SiblingsAreEvidence: true})
	if err != nil {
		t.Fatal(err)
	}
	wantWalked(t, rep, "a check without TrustCleanClose")
}

// A process killed after an open that skipped the walk: its commits raised the
// transaction id past the recorded one, so the next open walks.
func TestACrashAfterACleanCloseLeadsToTheWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := filledDir(t, 20)
	if rep := verifyTrusting(t, dir); !rep.Unchanged {
		t.Fatalf("not recognised as closed cleanly: %+v", rep)
	}
	killWriterMidStream(t, dir)
	wantWalked(t, verifyTrusting(t, dir), "after kill -9")
	s, err := boltstore.Open(dir, storetest.NewCodec(t))
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if rep := verifyTrusting(t, dir); !rep.Unchanged {
		t.Fatalf("a clean close after the crash was not recorded: %+v", rep)
	}
}

func TestAFileChangedSinceItsCleanCloseIsWalked(t *testing.T) {
	for name, change := range map[string]func(t *testing.T, path string){
		"bytes appended (size)": func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.Write(make([]byte, 4096)); err != nil {
				t.Fatal(err)
			}
		},
		"modification time set": func(t *testing.T, path string) {
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(path, later, later); err != nil {
				t.Fatal(err)
			}
		},
		"replaced by a copy (inode)": func(t *testing.T, path string) {
			if runtime.GOOS != "linux" {
				t.Skip("the inode is recorded on Linux only")
			}
			copyKeepingTimes(t, path)
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filledDir(t, 20)
			change(t, storePath(dir))
			wantWalked(t, verifyTrusting(t, dir), name)
		})
	}
}

// Random bytes in a page after a clean close are still found, even when whoever wrote
// them set the modification time back (the change time gives it away).
func TestDamageSinceACleanCloseIsFound(t *testing.T) {
	for name, hide := range map[string]bool{"modification time changed": false, "modification time set back": true} {
		t.Run(name, func(t *testing.T) {
			if hide && runtime.GOOS != "linux" {
				t.Skip("the change time is recorded on Linux only")
			}
			dir := filledDir(t, 200)
			path := storePath(dir)
			before, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			overwrite(t, path, 0.25, 0.75)
			if hide {
				if err := os.Chtimes(path, before.ModTime(), before.ModTime()); err != nil {
					t.Fatal(err)
				}
			}
			checkOpenRefused[*boltfile.DamagedError](t, dir, storePath(dir), "damaged")
		})
	}
}

// A record whose transaction id is not the file's (it cannot be told from the file's
// size and times alone) does not skip the walk.
func TestARecordOfAnotherTransactionIsNotTrusted(t *testing.T) {
	dir := filledDir(t, 20)
	recordPath := filepath.Join(dir, boltfile.RecordName)
	b, err := os.ReadFile(recordPath)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Files  json.RawMessage           `json:"files"`
		Closed map[string]map[string]any `json:"closed"`
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	closed := rec.Closed[boltstore.FileName]
	if closed == nil {
		t.Fatalf("no clean close recorded in %s", b)
	}
	closed["txid"] = closed["txid"].(float64) - 1
	if b, err = json.Marshal(rec); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(recordPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	wantWalked(t, verifyTrusting(t, dir), "a record of an earlier transaction")
}

// copyKeepingTimes replaces the file at path by a copy of itself (a new inode) with the
// same content and modification time, as a restore from a backup would.
func copyKeepingTimes(t *testing.T, path string) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tmp := path + ".copy"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}
