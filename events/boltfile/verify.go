package boltfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrInUse: another process holds the file (bbolt's lock), most likely a running
// planstore on the same data dir.
var ErrInUse = errors.New("in use by another process")

// maxReportedFaults bounds how many of bbolt's consistency findings an error lists.
const maxReportedFaults = 3

// Report describes a verified file.
type Report struct {
	Path    string
	New     bool  // missing or empty, and nothing says it held data: a new store
	Bytes   int64 // file size
	Buckets int   // buckets, nested ones included
	Keys    int   // keys that are not buckets
	// Unchanged: closed cleanly and untouched since (Options.TrustCleanClose), so
	// neither walked nor checked by bbolt; Buckets and Keys are not counted.
	Unchanged bool
}

func (r Report) String() string {
	if r.New {
		return fmt.Sprintf("%s: no data yet (a new store)", r.Path)
	}
	if r.Unchanged {
		return fmt.Sprintf("%s: ok, %d bytes, unchanged since its clean close (not walked)", r.Path, r.Bytes)
	}
	return fmt.Sprintf("%s: ok, %d bytes, %d buckets, %d keys, consistent", r.Path, r.Bytes, r.Buckets, r.Keys)
}

// Options tune Verify.
type Options struct {
	// SiblingsAreEvidence: a non-empty *.db file beside this one proves that this one
	// held data too. True for the event store: nothing else is written before it.
	SiblingsAreEvidence bool
	// LockTimeout is how long to wait for another process to release the file.
	LockTimeout time.Duration
	// TrustCleanClose skips the walk of every key and bbolt's consistency check when the
	// data dir's record says the file was closed cleanly (Close) in exactly the state it
	// is in now: same size, times, inode and bbolt transaction id. The cheap checks
	// still run. Open sets it; `planstore check` does not, so it always walks.
	TrustCleanClose bool
}

// Verify checks dataDir/name before it is used (see the package comment). It returns a
// *LostError, a *DamagedError, an error wrapping ErrInUse, or nil with a Report.
func Verify(dataDir, name string, opts Options) (Report, error) {
	path := filepath.Join(dataDir, name)
	rep := Report{Path: path}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && info.Size() == 0):
		if evidence := evidenceOfData(dataDir, name, opts.SiblingsAreEvidence); evidence != "" {
			return rep, &LostError{Path: path, Evidence: evidence}
		}
		rep.New = true
		return rep, nil
	case err != nil:
		return rep, fmt.Errorf("%s: %w", path, err)
	case !info.Mode().IsRegular():
		return rep, &DamagedError{Path: path, Reason: "it is not a regular file"}
	}
	rep.Bytes = info.Size()
	var trust trusted
	if opts.TrustCleanClose {
		trust.txid, trust.ok = closedCleanly(dataDir, name, info)
	}
	return inspectGuarded(rep, opts.LockTimeout, trust)
}

// trusted: the record says the file was closed cleanly at transaction txid and the file
// looks as it did then; it is unchanged if bbolt's meta page names that transaction too.
type trusted struct {
	ok   bool
	txid uint64
}

// evidenceOfData says why the data dir must once have held data in name, or "".
func evidenceOfData(dataDir, name string, siblings bool) string {
	rec, err := readRecord(dataDir)
	if err != nil {
		return fmt.Sprintf("its record %s is unreadable: %v", RecordName, err)
	}
	if since, ok := rec.Files[name]; ok {
		return fmt.Sprintf("%s records it holding a store since %s", RecordName, since.Format(time.RFC3339))
	}
	if !siblings {
		return ""
	}
	others, _ := filepath.Glob(filepath.Join(dataDir, "*.db"))
	sort.Strings(others)
	for _, other := range others {
		if filepath.Base(other) == name {
			continue
		}
		if info, err := os.Stat(other); err == nil && info.Size() > 0 {
			return fmt.Sprintf("%s beside it holds data", filepath.Base(other))
		}
	}
	return ""
}

// inspectGuarded runs inspect in a goroutine of its own where a memory fault on the
// mapped file is a panic (debug.SetPanicOnFault) and any panic is recovered: a damaged
// file must be an error, never the end of the process.
func inspectGuarded(rep Report, lockTimeout time.Duration, trust trusted) (Report, error) {
	type outcome struct {
		rep Report
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		debug.SetPanicOnFault(true)
		var db *bolt.DB
		defer func() {
			if v := recover(); v != nil {
				if db != nil {
					_ = db.Close()
				}
				done <- outcome{rep, &DamagedError{Path: rep.Path, Reason: fmt.Sprintf("reading it failed: %v", v)}}
			}
		}()
		r, err := inspect(rep, lockTimeout, trust, &db)
		done <- outcome{r, err}
	}()
	o := <-done
	return o.rep, o.err
}

// inspect opens the file read-only and checks it; db is set as soon as it is open, so
// the caller can close it after a panic.
func inspect(rep Report, lockTimeout time.Duration, trust trusted, db **bolt.DB) (Report, error) {
	opened, err := bolt.Open(rep.Path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return rep, fmt.Errorf("%s is %w (a running planstore?)", rep.Path, ErrInUse)
	}
	switch {
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum):
		return rep, &DamagedError{Path: rep.Path, Reason: "neither of its two meta pages is valid: " + err.Error()}
	case err != nil:
		return rep, &DamagedError{Path: rep.Path, Reason: err.Error()}
	}
	*db = opened
	defer func() { _ = opened.Close() }()
	err = opened.View(func(tx *bolt.Tx) error {
		// The file must hold every page its meta page counts; past its end the mapping
		// faults (SIGBUS). A file cut short is found here before any such page is read.
		if need := tx.Size(); rep.Bytes < need {
			return &DamagedError{Path: rep.Path, Reason: fmt.Sprintf(
				"it is %d bytes but its pages need %d: the file was truncated", rep.Bytes, need)}
		}
		if trust.ok && uint64(tx.ID()) == trust.txid {
			rep.Unchanged = true
			return nil
		}
		// Walk every bucket and key: each page is read here, in the guarded goroutine,
		// before bbolt's own check reads them again in goroutines of its own.
		if err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return walkBucket(&rep, string(name), b)
		}); err != nil {
			return err
		}
		var faults []string
		for err := range tx.Check() {
			if len(faults) < maxReportedFaults {
				faults = append(faults, err.Error())
			}
		}
		if len(faults) > 0 {
			return &DamagedError{Path: rep.Path, Reason: "bbolt's consistency check failed: " + strings.Join(faults, "; ")}
		}
		return nil
	})
	if err != nil {
		var damaged *DamagedError
		if errors.As(err, &damaged) {
			return rep, err
		}
		return rep, &DamagedError{Path: rep.Path, Reason: err.Error()}
	}
	return rep, nil
}

func walkBucket(rep *Report, path string, b *bolt.Bucket) error {
	rep.Buckets++
	c := b.Cursor()
	var prev []byte
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if prev != nil && bytes.Compare(prev, k) >= 0 {
			return &DamagedError{Path: rep.Path, Reason: fmt.Sprintf("keys of bucket %q are out of order", path)}
		}
		prev = append(prev[:0], k...)
		if v != nil {
			rep.Keys++
			continue
		}
		child := b.Bucket(k)
		if child == nil {
			return &DamagedError{Path: rep.Path, Reason: fmt.Sprintf("bucket %q has a key with no value", path)}
		}
		if err := walkBucket(rep, path+"/"+string(k), child); err != nil {
			return err
		}
	}
	return nil
}
