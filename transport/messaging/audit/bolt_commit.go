package audit

import (
	"errors"
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// errStoreClosed answers an Add after Close.
var errStoreClosed = errors.New("audit: store closed")

// maxCommitBatch bounds the adds of one transaction: a commit's pages grow with it.
const maxCommitBatch = 1024

// addRequest is one Add waiting for the commit that carries it.
type addRequest struct {
	planID, eventID, value []byte
	done                   chan error // buffered: answering never blocks the committer
}

// committer is the audit log's group commit: one goroutine writes every add already
// queued in one transaction and one fsync, and while it syncs the next adds queue up.
// bbolt's DB.Batch, which this replaces, holds every batch for its MaxBatchDelay (10 ms)
// unless 1,000 callers arrive first; the audit consumer has at most one event per
// embedded bus shard (64) in flight, and the relay publishes a lane's next event only
// after both consumers acknowledged the last, so that timer paced the whole embedded
// pipeline, projection included. Here a batch waits for nothing but the previous fsync.
type committer struct {
	db      *bolt.DB
	queue   chan *addRequest
	stopped chan struct{}

	mu     sync.RWMutex // held for reading while queueing, so Close never closes queue under a sender
	closed bool
}

func newCommitter(db *bolt.DB) *committer {
	c := &committer{db: db, queue: make(chan *addRequest, maxCommitBatch), stopped: make(chan struct{})}
	go c.loop()
	return c
}

// add queues one entry and waits for its commit.
func (c *committer) add(planID, eventID string, value []byte) error {
	req := &addRequest{planID: []byte(planID), eventID: []byte(eventID), value: value, done: make(chan error, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return errStoreClosed
	}
	c.queue <- req
	c.mu.RUnlock()
	return <-req.done
}

// close stops taking adds and returns once every queued add is answered.
func (c *committer) close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.queue)
	}
	c.mu.Unlock()
	<-c.stopped
}

func (c *committer) loop() {
	defer close(c.stopped)
	batch := make([]*addRequest, 0, maxCommitBatch)
	for first := range c.queue {
		batch = append(batch[:0], first)
	gather:
		for len(batch) < maxCommitBatch {
			select {
			case req, ok := <-c.queue:
				if !ok {
					break gather
				}
				batch = append(batch, req)
			default:
				break gather
			}
		}
		c.commit(batch)
	}
}

// commit writes the batch in one transaction. If that fails, each add is retried in a
// transaction of its own, so one bad add fails alone; adding is idempotent, so what
// the failed transaction may have carried is safe to write again.
func (c *committer) commit(batch []*addRequest) {
	err := c.db.Update(func(tx *bolt.Tx) error {
		for _, req := range batch {
			if err := put(tx, req); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(batch) == 1 {
		for _, req := range batch {
			req.done <- err
		}
		return
	}
	for _, req := range batch {
		req.done <- c.db.Update(func(tx *bolt.Tx) error { return put(tx, req) })
	}
}

// put records the entry unless the plan has it already: the first reception is kept.
func put(tx *bolt.Tx, req *addRequest) error {
	plan, err := tx.Bucket(bucketPlans).CreateBucketIfNotExists(req.planID)
	if err != nil {
		return fmt.Errorf("plan bucket: %w", err)
	}
	if plan.Get(req.eventID) != nil {
		return nil
	}
	return plan.Put(req.eventID, req.value)
}
