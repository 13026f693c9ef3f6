package boltstore

import (
	"context"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/planstore/planstore/events"
)

// Append writes the commit atomically or not at all: see events.Commit. It returns an
// error wrapping events.ErrVersionConflict when the aggregate moved on, an
// *events.ObjectIDTakenError when another aggregate owns a claimed objectId, and a plain
// error for an invalid commit.
func (s *Store) Append(ctx context.Context, c events.Commit) error {
	s.announce()
	if err := c.Validate(); err != nil {
		s.arriving.Add(-1)
		return err
	}
	// Encoding happens here, in the callers' goroutines, to keep the writer's
	// transaction short.
	encoded := make([][]byte, len(c.Events))
	for i, e := range c.Events {
		b, err := s.codec.Encode(e)
		if err != nil {
			s.arriving.Add(-1)
			return fmt.Errorf("boltstore: append to %q: %w", c.AggregateID, err)
		}
		encoded[i] = b
	}
	return s.submit(ctx, &appendOp{commit: c, encoded: encoded}, true)
}

type appendOp struct {
	commit  events.Commit
	encoded [][]byte
	// unowned are the claimed objectIds check found without an owner, which write
	// must put; the others are the aggregate's already.
	unowned []string
}

func (op *appendOp) addsLogEntries() bool { return true }

// check sees the writes of earlier ops in the same batch, so two commits of one
// aggregate (or two claims of one objectId) in a batch are decided in queue order.
func (op *appendOp) check(tx *bolt.Tx) error {
	c := op.commit
	current, err := currentVersion(tx, c.AggregateID)
	if err != nil {
		return err
	}
	if current != c.ExpectedVersion {
		return fmt.Errorf("%w: aggregate %q is at version %d, not %d", events.ErrVersionConflict, c.AggregateID, current, c.ExpectedVersion)
	}
	owners := tx.Bucket(bucketOwners)
	// A create claims only unowned ids: they are then the claims themselves, shared
	// rather than copied. A replace mostly re-claims its own, which are filtered out.
	op.unowned = c.ClaimObjectIDs
	filtered := false
	for i, id := range c.ClaimObjectIDs {
		owner := owners.Get([]byte(id))
		switch {
		case owner != nil && string(owner) != c.AggregateID:
			return &events.ObjectIDTakenError{ObjectID: id, Owner: string(owner)}
		case owner != nil && !filtered: // the first id the aggregate owns already
			op.unowned, filtered = slices.Clone(c.ClaimObjectIDs[:i]), true
		case owner == nil && filtered:
			op.unowned = append(op.unowned, id)
		}
	}
	return nil
}

func currentVersion(tx *bolt.Tx, aggregateID string) (int64, error) {
	raw := tx.Bucket(bucketSnapshots).Get([]byte(aggregateID))
	if raw == nil {
		return 0, nil
	}
	rec, err := decodeSnapshot(raw)
	if err != nil {
		return 0, fmt.Errorf("%w (aggregate %q)", err, aggregateID)
	}
	return rec.version, nil
}

func (op *appendOp) write(tx *bolt.Tx) error {
	c := op.commit
	evs, logB, outbox := tx.Bucket(bucketEvents), tx.Bucket(bucketLog), tx.Bucket(bucketOutbox)
	// The log and the outbox only grow at their end (their keys are the sequence), so
	// their pages are filled before they split; at bbolt's default half, every page
	// left behind by an append stayed half empty, and a commit wrote twice the pages.
	logB.FillPercent, outbox.FillPercent = appendOnlyFill, appendOnlyFill
	for i, e := range c.Events {
		seq, err := logB.NextSequence()
		if err != nil {
			return fmt.Errorf("log sequence: %w", err)
		}
		// The event is stored once, in the log; the aggregate's index and the outbox
		// point at it. Bytes written are what a commit costs.
		if err := logB.Put(seqKey(seq), op.encoded[i]); err != nil {
			return fmt.Errorf("log entry %d: %w", seq, err)
		}
		if err := evs.Put(eventKey(c.AggregateID, e.Version), seqKey(seq)); err != nil {
			return fmt.Errorf("event %d of %q: %w", e.Version, c.AggregateID, err)
		}
		if err := outbox.Put(seqKey(seq), []byte{}); err != nil {
			return fmt.Errorf("outbox entry %d: %w", seq, err)
		}
	}
	last := c.Events[len(c.Events)-1].Version
	if err := tx.Bucket(bucketSnapshots).Put([]byte(c.AggregateID), encodeSnapshot(last, c.Deletes(), c.Snapshot)); err != nil {
		return fmt.Errorf("snapshot of %q: %w", c.AggregateID, err)
	}
	return writeOwnership(tx.Bucket(bucketOwners), c, op.unowned)
}

func writeOwnership(owners *bolt.Bucket, c events.Commit, unowned []string) error {
	// Most commits re-claim what they own (PUT keeps its objectIds): check found those,
	// and they are not put again, which would still dirty a page, and pages written are
	// what a commit costs.
	for _, id := range unowned {
		if err := owners.Put([]byte(id), []byte(c.AggregateID)); err != nil {
			return fmt.Errorf("claim objectId %q: %w", id, err)
		}
	}
	for _, id := range c.ReleaseObjectIDs {
		// Only release what this aggregate owns: the id may already be someone else's.
		if string(owners.Get([]byte(id))) != c.AggregateID {
			continue
		}
		if err := owners.Delete([]byte(id)); err != nil {
			return fmt.Errorf("release objectId %q: %w", id, err)
		}
	}
	return nil
}
