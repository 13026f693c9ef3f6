package boltfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/planstore/planstore/internal/atomicfile"
)

// RecordName is the data dir's record of the store files planstore created in it.
const RecordName = "planstore-files.json"

type record struct {
	// Files maps a file name to when planstore first found it holding a store.
	Files map[string]time.Time `json:"files"`
	// Closed maps a file name to what identified it when it was last closed cleanly
	// (Close). Opening with TrustCleanClose skips the full walk of a file that still
	// matches; the entry goes stale with the file's first commit after that open.
	Closed map[string]fileState `json:"closed,omitempty"`
}

// recordMu serialises updates of the record within the process; one process at a time
// owns a data dir (bbolt's file lock).
var recordMu sync.Mutex

func readRecord(dataDir string) (record, error) {
	rec := record{Files: map[string]time.Time{}}
	b, err := os.ReadFile(filepath.Join(dataDir, RecordName))
	if errors.Is(err, fs.ErrNotExist) {
		return rec, nil
	}
	if err != nil {
		return rec, err
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("%s is not valid JSON: %w", RecordName, err)
	}
	if rec.Files == nil {
		rec.Files = map[string]time.Time{}
	}
	return rec, nil
}

// RecordFile notes in the data dir that name now holds a store, so that losing it later
// is noticed. It is written atomically (temporary file, fsync, rename, fsync of the dir).
func RecordFile(dataDir, name string) error {
	return updateRecord(dataDir, func(rec *record) bool {
		if _, ok := rec.Files[name]; ok {
			return false
		}
		rec.Files[name] = time.Now().UTC().Truncate(time.Second)
		return true
	})
}

// ForgetFile drops name from the data dir's record, once planstore itself has removed
// the file (a store moved into another): its absence is then no loss.
func ForgetFile(dataDir, name string) error {
	return updateRecord(dataDir, func(rec *record) bool {
		_, held := rec.Files[name]
		_, closed := rec.Closed[name]
		delete(rec.Files, name)
		delete(rec.Closed, name)
		return held || closed
	})
}

// recordCleanClose notes what identified name when it was closed cleanly.
func recordCleanClose(dataDir, name string, state fileState) error {
	return updateRecord(dataDir, func(rec *record) bool {
		if rec.Closed == nil {
			rec.Closed = map[string]fileState{}
		}
		rec.Closed[name] = state
		return true
	})
}

// updateRecord applies change to the data dir's record and writes it back when change
// says it changed something. An unreadable record is rewritten from scratch with
// change applied: what it said is lost either way, and an empty record only leads to
// more checks, never fewer.
func updateRecord(dataDir string, change func(*record) bool) error {
	recordMu.Lock()
	defer recordMu.Unlock()
	rec, err := readRecord(dataDir)
	if err != nil {
		rec = record{Files: map[string]time.Time{}}
	}
	if !change(&rec) && err == nil {
		return nil
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomically(filepath.Join(dataDir, RecordName), append(b, '\n'))
}

// writeAtomically replaces path with data, whole or not at all (atomicfile.Write).
func writeAtomically(path string, data []byte) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("record store files: %w", err)
	}
	return nil
}
