package boltstore

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// LogEnd returns the position of the last log entry ("" for an empty log), so a
// follower can start from now (events.LogTail). The only partition is 0.
func (s *Store) LogEnd(_ context.Context, partition int) (string, error) {
	if partition != 0 {
		return "", fmt.Errorf("boltstore: partition %d does not exist (the log has %d)", partition, partitions)
	}
	end := ""
	err := s.db.View(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketLog).Cursor().Last(); k != nil {
			end = position(seqOf(k))
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("boltstore: log end: %w", err)
	}
	return end, nil
}
