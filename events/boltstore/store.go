// Package boltstore is the embedded event store: one bbolt file in the data dir holds
// the events, snapshots, objectId owners, the global log and the outbox, so `planstore
// serve` needs nothing installed and keeps its data across restarts.
//
// Durability: bbolt syncs the file on every commit (NoSync stays false) and is crash
// safe, so an Append that returned nil survives kill -9 and power loss. To afford one
// fsync per commit under load, appends are group-committed: one writer goroutine takes
// every pending write, applies them in one transaction and syncs once (see writer.go).
package boltstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/boltfile"
)

// ErrClosed is returned by calls made on (or waiting in) a closed store.
var ErrClosed = errors.New("boltstore: store is closed")

// FileName is the store's file inside the data dir.
const FileName = "events.db"

// Store is the embedded event store. It is safe for concurrent use; only one process
// may open a data dir at a time (bbolt locks the file).
type Store struct {
	db      *bolt.DB
	dataDir string
	codec   *events.Codec
	opts    options

	// closeMu guards closed and the queue's closing: Append sends under the read lock,
	// so Close never closes the queue under a sender.
	closeMu    sync.RWMutex
	closed     bool
	queue      chan *writeRequest
	writerDone chan struct{}
	stop       chan struct{} // closed by Close, wakes blocked outbox readers

	committed *notifier // signalled after every transaction that added log entries

	// arriving counts appends between their start and the writer taking them off the
	// queue: while it is positive more writes are on their way, and the writer waits a
	// little for them instead of paying a second fsync right after.
	arriving atomic.Int64
	// batchSizes holds the sizes of the last batches; only the writer goroutine uses it.
	batchSizes [recentBatches]int
	batchNext  int

	// outOfSpace is set when a commit failed on a full disk, cleared by the next one
	// that succeeds (space.go).
	outOfSpace atomic.Bool

	outboxMu sync.Mutex
	inflight map[uint64]time.Time // outbox entries handed out and not acked, and when
}

type options struct {
	maxBatch       int
	linger         time.Duration
	redeliverAfter time.Duration
	lockTimeout    time.Duration
}

// Option tunes a Store.
type Option func(*options)

// WithMaxBatch caps how many writes share one transaction (default 256).
func WithMaxBatch(n int) Option { return func(o *options) { o.maxBatch = max(1, n) } }

// WithLinger is the longest the writer waits for appends already under way before it
// commits a batch (default 4ms). It only waits while such appends exist, so a lone
// writer never waits. 2 ms was best while the audit log had a file of its own; with the
// audit consumer's records and the outbox's acknowledgements in the same batches, 4 ms
// made 7 % more creates/s at 64 clients (medians of eight alternated runs,
// docs/performance.md). That consumer is gone since; the outbox's acknowledgements remain.
func WithLinger(d time.Duration) Option { return func(o *options) { o.linger = max(0, d) } }

// WithRedeliverAfter is how long an outbox entry handed out and not acked stays with its
// reader before it is handed out again (default 30s). After a restart every unacked
// entry is handed out again at once.
func WithRedeliverAfter(d time.Duration) Option { return func(o *options) { o.redeliverAfter = d } }

// WithLockTimeout is how long Open waits for another process to release the file
// (default 2s); then Open fails instead of hanging.
func WithLockTimeout(d time.Duration) Option { return func(o *options) { o.lockTimeout = d } }

// Open opens (creating if needed) the store in dataDir. Events are decoded with codec,
// so its upcasters apply on every read.
func Open(dataDir string, codec *events.Codec, opts ...Option) (*Store, error) {
	if codec == nil {
		return nil, errors.New("boltstore: a codec is required")
	}
	o := options{maxBatch: 256, linger: 4 * time.Millisecond, redeliverAfter: 30 * time.Second, lockTimeout: 2 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("boltstore: create data dir: %w", err)
	}
	path := filepath.Join(dataDir, FileName)
	// boltfile refuses a file that is damaged, or empty where the data dir shows it held
	// events, instead of crashing on it or serving an empty store.
	db, err := boltfile.Open(dataDir, FileName, boltfile.Options{SiblingsAreEvidence: true}, &bolt.Options{
		Timeout: o.lockTimeout,
		// As etcd does: a hashmap freelist stays fast once the file has many free pages,
		// and not writing the freelist on every commit saves pages per fsync;
		// boltfile.Close writes it once at a clean close, else bbolt rebuilds it by
		// scanning the file when it opens.
		FreelistType:   bolt.FreelistMapType,
		NoFreelistSync: true,
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: %w", err)
	}
	if err := db.Update(createBuckets); err != nil {
		return nil, errors.Join(fmt.Errorf("boltstore: prepare %s: %w", path, err), db.Close())
	}
	s := &Store{
		db:         db,
		dataDir:    dataDir,
		codec:      codec,
		opts:       o,
		queue:      make(chan *writeRequest, o.maxBatch),
		writerDone: make(chan struct{}),
		stop:       make(chan struct{}),
		committed:  newNotifier(),
		inflight:   map[uint64]time.Time{},
	}
	go s.writeLoop()
	return s, nil
}

func createBuckets(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("bucket %s: %w", name, err)
		}
	}
	return nil
}

// Partitions is 1: the embedded log is a single sequence.
func (s *Store) Partitions() int { return partitions }

// Close waits for queued writes to commit, then closes the file. Calling it again is a
// no-op.
func (s *Store) Close() error {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return nil
	}
	s.closed = true
	close(s.queue)
	close(s.stop)
	s.closeMu.Unlock()

	<-s.writerDone
	// A clean close: the next Open reads the freelist and skips the full check of a
	// file nothing touched since (boltfile.Close).
	if err := boltfile.Close(s.db); err != nil {
		return fmt.Errorf("boltstore: %w", err)
	}
	return nil
}
