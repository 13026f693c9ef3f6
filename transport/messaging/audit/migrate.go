package audit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"github.com/planstore/planstore/events/boltfile"
	"github.com/planstore/planstore/events/boltstore"
)

// migrateBatch is how many entries one AddSide of MoveBoltFile carries.
const migrateBatch = 4096

// MoveBoltFile moves the audit log a data dir kept in audit.db (BoltStore, before the
// log moved into the event store's file) into file's side bucket, then removes audit.db.
// It returns how many entries it moved; none without audit.db. An entry already in the
// side bucket is kept as it is, so a move cut short by a crash is simply run again. An
// audit.db that the data dir's record says held data, but that is gone or empty, was
// lost rather than moved: that is a *boltfile.LostError, as for any store file.
func MoveBoltFile(ctx context.Context, dataDir string, file SideFile) (int, error) {
	path := filepath.Join(dataDir, BoltFileName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// Without the file, Verify only reads the record: new (nothing to move) or lost.
		if _, err := boltfile.Verify(dataDir, BoltFileName, boltfile.Options{}); err != nil {
			return 0, fmt.Errorf("audit: %w", err)
		}
		return 0, nil
	}
	old, err := OpenBoltStore(dataDir)
	if err != nil {
		return 0, err
	}
	moved, err := old.moveTo(ctx, file)
	if err = errors.Join(err, old.Close()); err != nil {
		return moved, fmt.Errorf("audit: move %s into the event store's file: %w", path, err)
	}
	// The record forgets the file before it goes: a crash in between leaves a file the
	// record does not list, which the next start moves again, never a listed file that
	// is gone, which would read as lost.
	if err := boltfile.ForgetFile(dataDir, BoltFileName); err != nil {
		return moved, fmt.Errorf("audit: moved %d entries, but %s stays listed in the data dir's record: %w", moved, path, err)
	}
	if err := os.Remove(path); err != nil {
		return moved, fmt.Errorf("audit: moved %d entries, but %s stays: %w", moved, path, err)
	}
	return moved, nil
}

func (s *BoltStore) moveTo(ctx context.Context, file SideFile) (int, error) {
	moved := 0
	batch := make([]boltstore.SideRecord, 0, migrateBatch)
	flush := func() error {
		if err := file.AddSide(ctx, SideBucket, batch...); err != nil {
			return err
		}
		moved += len(batch)
		batch = batch[:0]
		return nil
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPlans).ForEachBucket(func(planID []byte) error {
			return tx.Bucket(bucketPlans).Bucket(planID).ForEach(func(eventID, entry []byte) error {
				// The records outlive the transaction: copy them out of the mapping.
				batch = append(batch, boltstore.SideRecord{
					Group: append([]byte(nil), planID...),
					Key:   append([]byte(nil), eventID...),
					Value: append([]byte(nil), entry...),
				})
				if len(batch) < migrateBatch {
					return nil
				}
				return flush()
			})
		})
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	return moved, err
}
