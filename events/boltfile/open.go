package boltfile

import (
	"errors"
	"fmt"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// Open verifies dataDir/name (Verify; the full walk is skipped for a file closed
// cleanly by Close and untouched since), opens it for writing with opts, and records
// in the data dir that it holds a store. The creation of the data dir is left to the
// caller. Close it with Close.
func Open(dataDir, name string, verify Options, opts *bolt.Options) (*bolt.DB, error) {
	if opts != nil && verify.LockTimeout == 0 {
		verify.LockTimeout = opts.Timeout
	}
	verify.TrustCleanClose = true
	if _, err := Verify(dataDir, name, verify); err != nil {
		return nil, err
	}
	path := filepath.Join(dataDir, name)
	db, err := bolt.Open(path, 0o600, opts)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := RecordFile(dataDir, name); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}
