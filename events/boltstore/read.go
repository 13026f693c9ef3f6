package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/planstore/planstore/events"
)

// Load returns the aggregate's latest snapshot: events.ErrNotFound if it never had an
// event, Deleted (with the last version) if its last event deleted it.
func (s *Store) Load(ctx context.Context, aggregateID string) (events.Snapshot, error) {
	snap := events.Snapshot{AggregateID: aggregateID}
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketSnapshots).Get([]byte(aggregateID))
		if raw == nil {
			return events.ErrNotFound
		}
		rec, err := decodeSnapshot(raw)
		if err != nil {
			return err
		}
		snap.Version, snap.Deleted = rec.version, rec.deleted
		if !rec.deleted {
			// bbolt's memory is only valid inside the transaction.
			snap.Document = json.RawMessage(bytes.Clone(rec.doc))
		}
		return nil
	})
	if err != nil {
		return events.Snapshot{}, fmt.Errorf("boltstore: load %q: %w", aggregateID, err)
	}
	return snap, nil
}

// Events returns every event of the aggregate in version order, upcast by the codec.
func (s *Store) Events(ctx context.Context, aggregateID string) ([]events.Envelope, error) {
	var out []events.Envelope
	prefix := eventPrefix(aggregateID)
	err := s.db.View(func(tx *bolt.Tx) error {
		logB := tx.Bucket(bucketLog)
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if !isEventOf(k, prefix) {
				continue
			}
			raw := logB.Get(v)
			if raw == nil {
				return fmt.Errorf("event %x points at missing log entry %d", k[len(prefix):], seqOf(v))
			}
			e, err := s.codec.Decode(raw)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: events of %q: %w", aggregateID, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("boltstore: events of %q: %w", aggregateID, events.ErrNotFound)
	}
	return out, nil
}

// ReadLog returns up to limit entries of the global log strictly after position after
// ("" = from the start), in commit order. The only partition is 0.
func (s *Store) ReadLog(ctx context.Context, partition int, after string, limit int) ([]events.LogEntry, error) {
	if partition != 0 {
		return nil, fmt.Errorf("boltstore: partition %d does not exist (the log has %d)", partition, partitions)
	}
	if limit <= 0 {
		return nil, fmt.Errorf("boltstore: read log: limit %d is not positive", limit)
	}
	var from uint64
	if after != "" {
		seq, err := parsePosition(after)
		if err != nil {
			return nil, err
		}
		from = seq
	}
	var out []events.LogEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketLog).Cursor()
		for k, v := c.Seek(seqKey(from + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			entry, err := s.logEntry(seqOf(k), v)
			if err != nil {
				return err
			}
			out = append(out, entry)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: read log after %q: %w", after, err)
	}
	return out, nil
}

func (s *Store) logEntry(seq uint64, raw []byte) (events.LogEntry, error) {
	e, encoded, err := s.codec.DecodeStored(raw)
	if err != nil {
		return events.LogEntry{}, fmt.Errorf("log entry %d: %w", seq, err)
	}
	// raw is bbolt's memory, valid only inside the read's transaction.
	return events.LogEntry{Partition: 0, Position: position(seq), Event: e, Encoded: bytes.Clone(encoded)}, nil
}
