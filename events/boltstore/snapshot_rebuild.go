package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"

	bolt "go.etcd.io/bbolt"

	"github.com/planstore/planstore/events"
)

// PutSnapshot overwrites an aggregate's snapshot, for rebuilding snapshots from the log
// (replay.RebuildSnapshots). In the same transaction as the write it checks that the
// aggregate's last stored event is at snap.Version; otherwise it changes nothing and
// fails with an error wrapping events.ErrVersionConflict, so a rebuild racing a live
// append never puts an older state back. An aggregate without events fails with
// events.ErrNotFound. The log, the outbox and objectId ownership are left as they are.
//
// It goes through the writer like an append, so it is ordered with the appends of the
// same batch and costs no extra fsync under load.
func (s *Store) PutSnapshot(ctx context.Context, snap events.Snapshot) error {
	if err := snap.Validate(); err != nil {
		return fmt.Errorf("boltstore: put %w", err)
	}
	return s.submit(ctx, &putSnapshotOp{snap: snap}, false)
}

type putSnapshotOp struct {
	snap events.Snapshot
}

func (op *putSnapshotOp) addsLogEntries() bool { return false }

func (op *putSnapshotOp) check(tx *bolt.Tx) error {
	last := lastEventVersion(tx, op.snap.AggregateID)
	if last == 0 {
		return fmt.Errorf("boltstore: put snapshot of %q: %w", op.snap.AggregateID, events.ErrNotFound)
	}
	if last != op.snap.Version {
		return fmt.Errorf("boltstore: put snapshot of %q: %w: its last event is version %d, not %d",
			op.snap.AggregateID, events.ErrVersionConflict, last, op.snap.Version)
	}
	return nil
}

func (op *putSnapshotOp) write(tx *bolt.Tx) error {
	rec := encodeSnapshot(op.snap.Version, op.snap.Deleted, op.snap.Document)
	if err := tx.Bucket(bucketSnapshots).Put([]byte(op.snap.AggregateID), rec); err != nil {
		return fmt.Errorf("snapshot of %q: %w", op.snap.AggregateID, err)
	}
	return nil
}

// lastEventVersion is the version of the aggregate's last stored event, 0 if none. Keys
// of other aggregates can share the prefix (an id that continues with a NUL byte), so
// the walk back skips what isEventOf rejects.
func lastEventVersion(tx *bolt.Tx, aggregateID string) int64 {
	prefix := eventPrefix(aggregateID)
	c := tx.Bucket(bucketEvents).Cursor()
	k, _ := c.Seek(eventKey(aggregateID, math.MaxInt64))
	if k == nil {
		k, _ = c.Last()
	} else if !isEventOf(k, prefix) {
		k, _ = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
		if isEventOf(k, prefix) {
			return int64(binary.BigEndian.Uint64(k[len(prefix):]))
		}
	}
	return 0
}
