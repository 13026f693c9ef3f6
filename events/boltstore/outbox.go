package boltstore

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/planstore/planstore/events"
)

// ReadOutbox hands out up to max committed events that were not acknowledged yet, in
// commit order, blocking up to wait while there are none; a commit wakes it at once.
//
// An entry handed out is not handed out again while its reader may still be relaying
// it (WithRedeliverAfter), but is after that or after a restart, because nothing but an
// ack removes it. The embedded store runs in one process, so the consumer name only
// documents who reads; all consumers share the entries.
func (s *Store) ReadOutbox(ctx context.Context, consumer string, max int, wait time.Duration) ([]events.LogEntry, error) {
	if max <= 0 {
		return nil, fmt.Errorf("boltstore: read outbox: max %d is not positive", max)
	}
	deadline := time.Now().Add(wait)
	for {
		// Take the signal before looking, so a commit in between still wakes us.
		changed := s.committed.changed()
		entries, err := s.takeOutbox(max)
		if err != nil || len(entries) > 0 {
			return entries, err
		}
		woke, err := events.AwaitChange(ctx, deadline, changed, s.stop, ErrClosed)
		if err != nil {
			return nil, fmt.Errorf("boltstore: read outbox: %w", err)
		}
		if !woke {
			// Entries whose redelivery came due while we slept are ready now.
			return s.takeOutbox(max)
		}
	}
}

// takeOutbox returns up to max entries that are not with a reader, and marks them so.
func (s *Store) takeOutbox(max int) ([]events.LogEntry, error) {
	s.outboxMu.Lock()
	defer s.outboxMu.Unlock()
	now := time.Now()
	var out []events.LogEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		logB := tx.Bucket(bucketLog)
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, _ := c.First(); k != nil && len(out) < max; k, _ = c.Next() {
			seq := seqOf(k)
			if since, ok := s.inflight[seq]; ok && now.Sub(since) < s.opts.redeliverAfter {
				continue
			}
			raw := logB.Get(k)
			if raw == nil {
				return fmt.Errorf("outbox entry %d has no log entry", seq)
			}
			entry, err := s.logEntry(seq, raw)
			if err != nil {
				return err
			}
			out = append(out, entry)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: read outbox: %w", err)
	}
	for _, e := range out {
		seq, _ := parsePosition(e.Position)
		s.inflight[seq] = now
	}
	return out, nil
}

// AckOutbox marks entries as relayed, so they are never handed out again. Acking an
// entry twice, or one acked by another reader, is a no-op.
func (s *Store) AckOutbox(ctx context.Context, entries ...events.LogEntry) error {
	if len(entries) == 0 {
		return nil
	}
	seqs := make([]uint64, 0, len(entries))
	for _, e := range entries {
		if e.Partition != 0 {
			return fmt.Errorf("boltstore: ack: partition %d does not exist", e.Partition)
		}
		seq, err := parsePosition(e.Position)
		if err != nil {
			return err
		}
		seqs = append(seqs, seq)
	}
	if err := s.submit(ctx, ackOp(seqs), false); err != nil {
		return fmt.Errorf("boltstore: ack: %w", err)
	}
	s.outboxMu.Lock()
	for _, seq := range seqs {
		delete(s.inflight, seq)
	}
	s.outboxMu.Unlock()
	return nil
}

// ackOp removes outbox entries; it rides the group commit like any append.
type ackOp []uint64

func (ackOp) check(*bolt.Tx) error { return nil }
func (ackOp) addsLogEntries() bool { return false }

func (op ackOp) write(tx *bolt.Tx) error {
	outbox := tx.Bucket(bucketOutbox)
	for _, seq := range op {
		if err := outbox.Delete(seqKey(seq)); err != nil {
			return fmt.Errorf("outbox entry %d: %w", seq, err)
		}
	}
	return nil
}
