package boltstore

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/planstore/planstore/events"
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

// LastLogEntry returns the log's last entry; ok is false for an empty log. Its position
// and event id together name the log's state: a derived state saved with them (the
// embedded search engine's) is current exactly while they are still the last entry's.
func (s *Store) LastLogEntry(_ context.Context) (entry events.LogEntry, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bucketLog).Cursor().Last()
		if k == nil {
			return nil
		}
		entry, err = s.logEntry(seqOf(k), v)
		ok = err == nil
		return err
	})
	if err != nil {
		return events.LogEntry{}, false, fmt.Errorf("boltstore: last log entry: %w", err)
	}
	return entry, ok, nil
}
