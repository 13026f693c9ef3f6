package boltstore

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// writeOp is one caller's write. check runs first and must not write: its error rejects
// this op alone (the rest of the batch still commits). write runs only after check
// passed; its error means the transaction itself is broken.
type writeOp interface {
	check(tx *bolt.Tx) error
	write(tx *bolt.Tx) error
	addsLogEntries() bool
}

type writeRequest struct {
	op        writeOp
	announced bool // counted in Store.arriving until the writer takes it
	err       error
	done      chan struct{}
}

// submit queues op for the writer and waits for its outcome. If ctx ends first the op
// may still commit: the caller learns only that it did not wait.
func (s *Store) submit(ctx context.Context, op writeOp, announced bool) error {
	req := &writeRequest{op: op, announced: announced, done: make(chan struct{})}
	s.closeMu.RLock()
	if s.closed {
		s.closeMu.RUnlock()
		s.unannounce(req)
		return ErrClosed
	}
	select {
	case s.queue <- req:
	case <-ctx.Done():
		s.closeMu.RUnlock()
		s.unannounce(req)
		return fmt.Errorf("boltstore: not queued: %w", ctx.Err())
	}
	s.closeMu.RUnlock()

	select {
	case <-req.done:
		return req.err
	case <-ctx.Done():
		return fmt.Errorf("boltstore: stopped waiting, the write may still commit: %w", ctx.Err())
	}
}

// announce counts an append that will soon reach the queue (see Store.arriving).
func (s *Store) announce() { s.arriving.Add(1) }

// unannounce uncounts a request once the writer has it, or once it never will.
func (s *Store) unannounce(req *writeRequest) {
	if req.announced {
		s.arriving.Add(-1)
	}
}

// writeLoop is the group commit: it applies every request already queued (up to
// maxBatch) in one transaction, pays one fsync for all, and answers them. While it
// syncs, new requests queue up and form the next batch, so the batch size follows the
// load with no added latency when idle.
func (s *Store) writeLoop() {
	defer close(s.writerDone)
	for first := range s.queue {
		s.unannounce(first)
		s.commitBatch(first)
	}
}

// gather hands first, then further requests, to apply until the batch is complete (see
// below) or apply returns false; it returns the batch. Requests are applied as they
// come, so waiting for stragglers overlaps with the work on the others.
//
// The batch is complete when nothing is queued, no append is on its way (announced but
// not queued), and the batch is as large as the recent peak: writers answered by the
// last commit usually come straight back, and without waiting for them they settle into
// two cohorts that take turns, each commit carrying half of them. The wait is bounded
// by opts.linger.
func (s *Store) gather(first *writeRequest, apply func(*writeRequest) bool) []*writeRequest {
	batch := []*writeRequest{first}
	defer func() { s.recordBatch(len(batch)) }()
	if !apply(first) {
		return batch
	}
	target := s.peakBatch()
	var timeout <-chan time.Time
	for len(batch) < s.opts.maxBatch {
		var req *writeRequest
		var ok bool
		select {
		case req, ok = <-s.queue:
		default:
			if (s.arriving.Load() <= 0 && len(batch) >= target) || s.opts.linger == 0 {
				return batch
			}
			if timeout == nil {
				timer := time.NewTimer(s.opts.linger)
				defer timer.Stop()
				timeout = timer.C
			}
			select {
			case req, ok = <-s.queue:
			case <-timeout:
				return batch
			}
		}
		if !ok {
			return batch
		}
		s.unannounce(req)
		batch = append(batch, req)
		if !apply(req) {
			return batch
		}
	}
	return batch
}

// recentBatches is how many batch sizes peakBatch looks back on.
const recentBatches = 16

func (s *Store) recordBatch(n int) {
	s.batchSizes[s.batchNext%recentBatches] = n
	s.batchNext++
}

func (s *Store) peakBatch() int {
	peak := 1
	for _, n := range s.batchSizes {
		peak = max(peak, n)
	}
	return peak
}

// commitBatch gathers a batch starting with first into one transaction and commits it.
func (s *Store) commitBatch(first *writeRequest) {
	var batch []*writeRequest
	err := s.db.Update(func(tx *bolt.Tx) error {
		var failed error
		batch = s.gather(first, func(req *writeRequest) bool {
			if req.err = req.op.check(tx); req.err != nil {
				return true // rejected alone; the batch goes on
			}
			failed = req.op.write(tx)
			return failed == nil
		})
		return failed
	})
	if err != nil && len(batch) > 1 {
		// One broken write must not fail the others: redo them one per transaction.
		for _, req := range batch {
			s.commitAlone(req)
		}
		return
	}
	s.answer(batch, err)
}

// commitAlone applies and commits one request in its own transaction.
func (s *Store) commitAlone(req *writeRequest) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if req.err = req.op.check(tx); req.err != nil {
			return nil //nolint:nilerr // a refused write is answered on req; the transaction itself succeeds
		}
		return req.op.write(tx)
	})
	s.answer([]*writeRequest{req}, err)
}

// answer reports the outcome of a committed (err == nil) or failed transaction.
func (s *Store) answer(batch []*writeRequest, err error) {
	err = s.noteCommit(err)
	wroteLog := false
	for _, req := range batch {
		if err != nil {
			req.err = fmt.Errorf("boltstore: commit: %w", err)
		}
		wroteLog = wroteLog || (req.err == nil && req.op.addsLogEntries())
		close(req.done)
	}
	if wroteLog {
		s.committed.broadcast()
	}
}
