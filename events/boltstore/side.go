package boltstore

import (
	"context"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Side records let another part of the embedded server keep its records in the store's
// file, where they ride the group commit like an acknowledgement of the outbox: they are
// durable when the caller is answered, and cost no fsync of their own. A file of their
// own paid two fdatasyncs (bbolt's pages, then its meta page) per commit; the audit log,
// which committed every few milliseconds under load while a consumer wrote each plan's
// entries, paid as many as the event log. It keeps the operator log there now.
//
// A side bucket holds groups (a nested bucket each) of key -> value records; a record,
// once kept, is never overwritten. Side buckets are named apart from the store's own.

// sidePrefix starts the name of every side bucket, so none can be one of allBuckets.
const sidePrefix = "side:"

// SideRecord is one record of a side bucket.
type SideRecord struct {
	Group, Key, Value []byte
}

// AddSide keeps each record in the side bucket unless its group already holds its key,
// in one transaction with the writes of that moment, and returns once it is durable.
func (s *Store) AddSide(ctx context.Context, bucket string, records ...SideRecord) error {
	if bucket == "" {
		return errors.New("boltstore: a side bucket needs a name")
	}
	for _, r := range records {
		if len(r.Group) == 0 || len(r.Key) == 0 {
			return fmt.Errorf("boltstore: side bucket %s: a record needs a group and a key", bucket)
		}
	}
	if len(records) == 0 {
		return nil
	}
	if err := s.submit(ctx, &sideOp{bucket: sideBucketName(bucket), records: records}, false); err != nil {
		return fmt.Errorf("boltstore: side bucket %s: %w", bucket, err)
	}
	return nil
}

// SideGroup calls fn with every record of the group in key order (none when the bucket
// or the group does not exist). The key and value alias the file: copy what fn keeps.
func (s *Store) SideGroup(bucket string, group []byte, fn func(key, value []byte) error) error {
	err := s.db.View(func(tx *bolt.Tx) error {
		side := tx.Bucket(sideBucketName(bucket))
		if side == nil {
			return nil
		}
		g := side.Bucket(group)
		if g == nil {
			return nil
		}
		return g.ForEach(fn)
	})
	if err != nil {
		return fmt.Errorf("boltstore: side bucket %s, group %q: %w", bucket, group, err)
	}
	return nil
}

func sideBucketName(bucket string) []byte { return []byte(sidePrefix + bucket) }

type sideOp struct {
	bucket  []byte
	records []SideRecord
}

func (*sideOp) check(*bolt.Tx) error { return nil }
func (*sideOp) addsLogEntries() bool { return false }

func (op *sideOp) write(tx *bolt.Tx) error {
	side, err := tx.CreateBucketIfNotExists(op.bucket)
	if err != nil {
		return fmt.Errorf("side bucket %s: %w", op.bucket, err)
	}
	for _, r := range op.records {
		g, err := side.CreateBucketIfNotExists(r.Group)
		if err != nil {
			return fmt.Errorf("side bucket %s, group %q: %w", op.bucket, r.Group, err)
		}
		if g.Get(r.Key) != nil {
			continue // kept before: the first stays
		}
		if err := g.Put(r.Key, r.Value); err != nil {
			return fmt.Errorf("side bucket %s, group %q, key %q: %w", op.bucket, r.Group, r.Key, err)
		}
	}
	return nil
}
