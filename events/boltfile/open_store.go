package boltfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// OpenStore opens (creating it and the data dir if needed) dataDir/name for one of the
// small stores beside the event store (idempotency keys, import jobs, the audit log),
// with their shared settings, and creates buckets in it. Close it with Close.
func OpenStore(dataDir, name string, buckets ...[]byte) (*bolt.DB, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	db, err := Open(dataDir, name, Options{}, &bolt.Options{
		Timeout: 2 * time.Second,
		// As the event store does (and etcd): a hashmap freelist stays fast once the
		// file has many free pages, and not writing it on every commit saves pages per
		// fsync; Close writes it once, else bbolt rebuilds it by scanning the file when
		// it opens.
		FreelistType:   bolt.FreelistMapType,
		NoFreelistSync: true,
	})
	if err != nil {
		return nil, err
	}
	// A short batch window: long enough to gather the writes in flight, short against an
	// fsync.
	db.MaxBatchDelay = time.Millisecond
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range buckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("prepare %s: %w", filepath.Join(dataDir, name), err), db.Close())
	}
	return db, nil
}
