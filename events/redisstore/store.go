// Package redisstore is the event store on Redis (or Redis Cluster): per-aggregate event
// lists and snapshots, an objectId ownership index, and a global log split into
// partitions that doubles as the outbox. Key layout: see keys.go.
//
// # Atomicity
//
// An append is one Lua script: expected-version check, ownership check, events,
// snapshot, ownership, global log and outbox, in one round trip. On a single Redis
// server that holds for every append, since a script there may touch keys of any hash
// tag. On a cluster the script runs in the aggregate's slot, so claiming an objectId
// that hashes to another slot, and that the aggregate does not own yet, needs more: a
// short transaction across slots (the reservation protocol), described in ownership.go
// with what keeps the two modes compatible.
//
// # Durability
//
// The store trusts Redis to keep what it acknowledged, so Redis must run with AOF on:
// appendonly yes with appendfsync always loses nothing; appendfsync everysec (the
// default when AOF is on, and the setting we assume in deployments/) loses at most the
// last second of acknowledged appends if the Redis host, not just the process, crashes.
// Replicas do not help on their own: replication is asynchronous, and a failover can
// drop the newest appends; so with replicas every commit waits until one has it
// (WithMinReplicas, replicas.go). RDB snapshots alone (the Redis default) are not
// enough.
//
// # Failover
//
// A failover or a moving slot makes Redis fail commands for a few seconds
// (CLUSTERDOWN, TRYAGAIN, a refused connection); Append, Load and Events retry them
// within WithRetryWindow and then fail with events.ErrUnavailable (retry.go).
//
// # Outbox
//
// The outbox is the log itself: each partition's stream carries a consumer group (the
// relay), so an append writes each event once to its aggregate's list and once to the
// log, and nothing else. See outbox.go.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/redisconn"
)

// ErrClosed is returned by calls made on (or waiting in) a closed store.
var ErrClosed = errors.New("redisstore: store is closed")

// Store is the Redis event store. It is safe for concurrent use.
type Store struct {
	rdb       redis.UniversalClient
	ownClient bool // Dial made the client, so Close closes it
	codec     *events.Codec
	keys      keys
	opts      options

	// oneScript: every ownership record is in reach of the append script (a single
	// server), so no append needs the reservation protocol. Decided once, in New.
	oneScript bool

	// minReplicas: how many replicas must confirm a commit before Append reports it
	// (replicas.go); 0 trusts the master alone. Decided once, in New.
	minReplicas int

	closeOnce sync.Once
	stop      chan struct{}

	// notifyMu guards the lazily made subscription: only outbox readers need one.
	notifyMu sync.Mutex
	notify   *notifier
	closed   bool

	outboxMu  sync.Mutex
	consumers map[string]*consumerState
	claimDue  time.Time
	claimFrom []string                  // XAUTOCLAIM cursor per partition
	finalizes batcher[*finalizeRequest] // joins concurrent finalize steps (finalize_batch.go)
	claims    batcher[*claimRequest]    // joins concurrent reservation steps (claim_batch.go)
	appends   batcher[*appendRequest]   // joins concurrent one-script appends (append.go)
	// snapshotReads joins concurrent snapshot reads into one pipeline (snapshot_read.go).
	snapshotReads batcher[*snapshotRead]
	rotate        int // first partition of the next outbox read, for fairness
}

type options struct {
	prefix     string
	partitions int
	group      string
	claimIdle  time.Duration
	txnLease   time.Duration
	logger     *slog.Logger

	reservation    bool // WithReservationProtocol
	minReplicas    int  // WithMinReplicas; -1: 1 if the deployment has replicas
	replicaTimeout time.Duration
	retryWindow    time.Duration
}

// Option tunes a Store.
type Option func(*options)

// WithPrefix puts every key under prefix (default "planstore:"), so several stores (or
// tests) share one Redis database. It must not contain '{', which starts a hash tag.
func WithPrefix(prefix string) Option { return func(o *options) { o.prefix = prefix } }

// WithPartitions sets how many partitions the log is split into (default
// events.DefaultPartitions). It decides where data lives: never change it on a store
// that has data.
func WithPartitions(n int) Option { return func(o *options) { o.partitions = n } }

// WithConsumerGroup names the stream consumer group that is the outbox cursor (default
// "relay").
func WithConsumerGroup(name string) Option { return func(o *options) { o.group = name } }

// WithClaimIdle is how long an outbox entry may stay handed out to a consumer without an
// ack before any consumer claims it (default 30s): what a relay that died waits for.
func WithClaimIdle(d time.Duration) Option { return func(o *options) { o.claimIdle = d } }

// WithTxnLease bounds how long an ownership transaction of the reservation protocol may
// take (default 5s). A writer that dies mid-transaction blocks its aggregate, and the
// objectIds it reserved, for at most this long.
func WithTxnLease(d time.Duration) Option { return func(o *options) { o.txnLease = d } }

// WithLogger receives what goes wrong after a commit already succeeded (clean-up of
// ownership records), which Append cannot report as its error (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithReservationProtocol makes every append that claims objectIds of other slots use
// the reservation protocol of a cluster (ownership.go), even on a single server, where
// one script would do. That is for a client New cannot see through: a proxy that looks
// like one server but spreads keys over several. Tests use it to run that protocol on
// a single server, and the two modes side by side.
func WithReservationProtocol() Option { return func(o *options) { o.reservation = true } }

// WithMinReplicas makes every commit wait (WAIT) until n replicas of its master have it
// before Append reports it; when they do not confirm in time, Append fails with
// events.ErrUnavailable instead. Redis replicates asynchronously, so without it a
// master that dies right after a commit can lose it to the replica promoted in its
// place. The default, -1, waits for 1 replica when the deployment has replicas (any
// master of a cluster has one, or a single server has a connected one) and for none
// otherwise. See replicas.go.
func WithMinReplicas(n int) Option { return func(o *options) { o.minReplicas = n } }

// WithReplicaTimeout bounds each wait for replicas (default 1s).
func WithReplicaTimeout(d time.Duration) Option { return func(o *options) { o.replicaTimeout = d } }

// WithRetryWindow is how long a call keeps retrying while Redis answers with a
// transient failure (a failover under way, a slot moving, a replica not confirming)
// before it gives up with events.ErrUnavailable (default 5s). A failover takes about
// cluster-node-timeout plus an election, so match it to that.
func WithRetryWindow(d time.Duration) Option { return func(o *options) { o.retryWindow = d } }

// New returns a store on client, which may be a *redis.Client or a *redis.ClusterClient;
// Close leaves the client open. Events are decoded with codec, so its upcasters apply on
// every read. New checks the server answers, caches the scripts and creates the outbox
// consumer groups.
//
// New also picks how appends claim objectIds (ownership.go): a *redis.Client on a
// server without cluster mode commits every append with one script; a
// *redis.ClusterClient, any other client, or a server reporting cluster_enabled:1 uses
// the reservation protocol, which is correct on any topology but costs several round
// trips when a new plan's objectIds hash to other slots.
func New(ctx context.Context, client redis.UniversalClient, codec *events.Codec, opts ...Option) (*Store, error) {
	o := options{
		prefix:     "planstore:",
		partitions: events.DefaultPartitions,
		group:      "relay",
		claimIdle:  30 * time.Second,
		txnLease:   5 * time.Second,
		logger:     slog.Default(),

		minReplicas:    -1,
		replicaTimeout: time.Second,
		retryWindow:    5 * time.Second,
	}
	for _, opt := range opts {
		opt(&o)
	}
	switch {
	case codec == nil:
		return nil, errors.New("redisstore: a codec is required")
	case strings.ContainsAny(o.prefix, "{}"):
		return nil, fmt.Errorf("redisstore: prefix %q must not contain braces (hash tags)", o.prefix)
	case o.partitions < 1:
		return nil, fmt.Errorf("redisstore: %d partitions", o.partitions)
	case o.txnLease < 10*time.Millisecond:
		return nil, fmt.Errorf("redisstore: transaction lease %v is too short", o.txnLease)
	case o.replicaTimeout < time.Millisecond:
		return nil, fmt.Errorf("redisstore: replica timeout %v is too short", o.replicaTimeout)
	case o.retryWindow < 0:
		return nil, fmt.Errorf("redisstore: negative retry window %v", o.retryWindow)
	}
	s := &Store{
		rdb:       client,
		codec:     codec,
		keys:      newKeys(o.prefix, o.partitions),
		opts:      o,
		stop:      make(chan struct{}),
		consumers: map[string]*consumerState{},
		claimFrom: make([]string, o.partitions),
		finalizes: batcher[*finalizeRequest]{limit: batchLimit},
		claims:    batcher[*claimRequest]{limit: batchLimit},
		appends:   batcher[*appendRequest]{limit: batchLimit},

		snapshotReads: batcher[*snapshotRead]{limit: snapshotReadLimit},
	}
	var err error
	if err = client.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("redisstore: ping: %w", err)
	}
	if !o.reservation {
		s.oneScript = singleServer(ctx, client, o.logger)
	}
	if s.minReplicas, err = minReplicas(ctx, client, o); err != nil {
		return nil, err
	}
	if err := loadScripts(ctx, client); err != nil {
		return nil, fmt.Errorf("redisstore: %w", err)
	}
	if err := s.createGroups(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// singleServer reports whether client talks to one Redis server outside a cluster,
// where one script may touch keys of every hash tag. Only a plain *redis.Client can:
// a ClusterClient or a Ring spreads keys over servers. A plain client may still be
// talking to a cluster node, e.g. of a one-node cluster holding every slot, hence
// INFO. When in doubt the answer is no, since the reservation protocol is correct on
// any server. (A wrong yes on a cluster would fail loudly, not corrupt: a cluster
// refuses a script whose keys span slots, CROSSSLOT, before running it.)
func singleServer(ctx context.Context, client redis.UniversalClient, logger *slog.Logger) bool {
	c, ok := client.(*redis.Client)
	if !ok {
		return false
	}
	info, err := c.Info(ctx, "cluster").Result()
	if err != nil {
		// A server may deny INFO (an ACL, a managed service): stay correct, but say
		// why appends are slower than they could be.
		logger.Warn("redisstore: cannot tell whether Redis runs as a cluster; using the reservation protocol",
			"err", err)
		return false
	}
	return !strings.Contains(info, "cluster_enabled:1")
}

// Dial connects to the Redis named by a redis:// or rediss:// URL (one server, or a
// cluster: see redisconn.Dial for the forms) and returns a store that owns the
// connection: Close closes it.
func Dial(ctx context.Context, redisURL string, codec *events.Codec, opts ...Option) (*Store, error) {
	client, err := redisconn.Dial(ctx, redisURL)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %w", err)
	}
	s, err := New(ctx, client, codec, opts...)
	if err != nil {
		return nil, errors.Join(err, client.Close())
	}
	s.ownClient = true
	return s, nil
}

// Partitions is how many partitions the global log is split into.
func (s *Store) Partitions() int { return s.keys.partitions }

// Close stops outbox waiters and the notification subscription, and closes the client
// if Dial made it. Calling it again is a no-op.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.stop)
		s.notifyMu.Lock()
		s.closed = true
		if s.notify != nil {
			err = s.notify.close()
		}
		s.notifyMu.Unlock()
		if s.ownClient {
			err = errors.Join(err, s.rdb.Close())
		}
	})
	if err != nil {
		return fmt.Errorf("redisstore: close: %w", err)
	}
	return nil
}
