package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/planstore/planstore/events/boltfile"
)

// BoltFileName is the audit log's file in the data dir.
const BoltFileName = "audit.db"

var bucketPlans = []byte("plans")

// BoltStore keeps the audit log in a bbolt file of the data dir for the embedded mode:
// bucket plans, one nested bucket per plan, key = event id, value = the entry as JSON.
// Every Add is a synced transaction, so an acknowledged event survives a crash.
type BoltStore struct {
	db *bolt.DB
}

// OpenBoltStore opens (creating if needed) dataDir/audit.db.
func OpenBoltStore(dataDir string) (*BoltStore, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("audit: create data dir: %w", err)
	}
	path := filepath.Join(dataDir, BoltFileName)
	db, err := boltfile.Open(dataDir, BoltFileName, boltfile.Options{}, &bolt.Options{
		Timeout: 2 * time.Second,
		// As the event store does (and etcd): a hashmap freelist stays fast once the
		// file has many free pages, and not writing it on every commit saves pages per
		// fsync; bbolt rebuilds it by scanning the file when it opens.
		FreelistType:   bolt.FreelistMapType,
		NoFreelistSync: true,
	})
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	// A short batch window: long enough to gather the adds in flight (one per embedded
	// shard or AMQP subscription), short against an fsync.
	db.MaxBatchDelay = time.Millisecond
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketPlans)
		return err
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("audit: prepare %s: %w", path, err), db.Close())
	}
	return &BoltStore{db: db}, nil
}

// Add implements Store.
func (s *BoltStore) Add(_ context.Context, planID string, e Entry) error {
	value, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode entry %s: %w", e.EventID, err)
	}
	// Batch coalesces concurrent adds into one transaction and one fsync; a batch that
	// fails is re-run call by call, which is safe because adding is idempotent.
	err = s.db.Batch(func(tx *bolt.Tx) error {
		plan, err := tx.Bucket(bucketPlans).CreateBucketIfNotExists([]byte(planID))
		if err != nil {
			return err
		}
		if plan.Get([]byte(e.EventID)) != nil {
			return nil // recorded before: keep the first
		}
		return plan.Put([]byte(e.EventID), value)
	})
	if err != nil {
		return fmt.Errorf("bolt add %s to %s: %w", e.EventID, planID, err)
	}
	return nil
}

// Entries implements Store.
func (s *BoltStore) Entries(_ context.Context, planID string) ([]Entry, error) {
	var entries []Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		plan := tx.Bucket(bucketPlans).Bucket([]byte(planID))
		if plan == nil {
			return nil
		}
		return plan.ForEach(func(k, v []byte) error {
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode entry %s: %w", k, err)
			}
			entries = append(entries, e)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt entries of %s: %w", planID, err)
	}
	return entries, nil
}

// Close closes the file.
func (s *BoltStore) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("audit: close: %w", err)
	}
	return nil
}
