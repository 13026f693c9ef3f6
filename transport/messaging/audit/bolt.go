package audit

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/planstore/planstore/events/boltfile"
)

// BoltFileName is the audit log's file in the data dir.
const BoltFileName = "audit.db"

var bucketPlans = []byte("plans")

// BoltStore keeps the audit log in a bbolt file of its own, audit.db: bucket plans, one
// nested bucket per plan, key = event id, value = the entry as JSON. Every Add is a
// synced transaction, so an acknowledged event survives a crash. planstore's embedded
// mode kept its log here until it moved into the event store's file (SideStore), which
// saves the file's own fsyncs; MoveBoltFile moves an earlier data dir's audit.db over.
type BoltStore struct {
	db *bolt.DB
}

// OpenBoltStore opens (creating if needed) dataDir/audit.db.
func OpenBoltStore(dataDir string) (*BoltStore, error) {
	db, err := boltfile.OpenStore(dataDir, BoltFileName, bucketPlans)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
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
		return plan.ForEach(collectEntries(&entries))
	})
	if err != nil {
		return nil, fmt.Errorf("bolt entries of %s: %w", planID, err)
	}
	return entries, nil
}

// Close closes the file cleanly (boltfile.Close: the next open need not walk it).
func (s *BoltStore) Close() error {
	if err := boltfile.Close(s.db); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}
