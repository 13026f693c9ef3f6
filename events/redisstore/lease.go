package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/transport/redisconn"
)

// A Lease elects one holder of a named role among the processes sharing this store, for
// work that must not run twice at once: the outbox relay, whose events of one plan would
// otherwise race each other to the bus when two relays read the same partitions.
//
// The lease is a key holding the holder's random token with a time to live. The holder
// renews it every third of the TTL; it is lost when a renewal finds another token (or
// none), or when renewals have failed for two thirds of the TTL, before the key can
// expire and another process take it. A process that dies stops renewing, and a
// waiting one takes over within a TTL.
//
// With replicas (the store's MinReplicas), taking and renewing the lease only count
// once a replica has them: otherwise a failover could bring back an older lease (or
// none), and a standby take over while the holder still believes it leads.
type Lease struct {
	rdb      redis.UniversalClient
	key      string
	ttl      time.Duration
	token    string
	replicas int
}

// Lease returns the lease named name (a key under the store's prefix).
func (s *Store) Lease(name string, ttl time.Duration) *Lease {
	return &Lease{rdb: s.rdb, key: s.keys.lease(name), ttl: ttl, token: newLeaseToken(), replicas: s.minReplicas}
}

// write runs the lease's command, followed by WAIT when replicas must confirm it; the
// command's own result is in the command queue returns.
func (l *Lease) write(ctx context.Context, queue func(redis.Cmdable)) error {
	if l.replicas == 0 {
		queue(l.rdb)
		return nil
	}
	node, err := redisconn.MasterFor(ctx, l.rdb, l.key)
	if err != nil {
		return err
	}
	return redisconn.WaitOn(ctx, node, l.replicas, l.ttl/12, func(p redis.Pipeliner) { queue(p) })
}

// take sets the lease to our token if nobody holds it, and reports whether we hold it.
func (l *Lease) take(ctx context.Context) (bool, error) {
	var set *redis.BoolCmd
	waitErr := l.write(ctx, func(c redis.Cmdable) { set = c.SetNX(ctx, l.key, l.token, l.ttl) })
	ok, err := set.Result()
	if err != nil {
		return false, err
	}
	if ok && waitErr != nil {
		// Ours on the master only: give it back rather than lead on a lease a failover
		// could forget.
		_ = l.write(ctx, func(c redis.Cmdable) { releaseScript.Eval(ctx, c, []string{l.key}, l.token) })
		return false, waitErr
	}
	return ok, nil
}

// renew extends the lease while it holds our token: 1 if it did, 0 if another process
// holds it.
func (l *Lease) renew(ctx context.Context) (int64, error) {
	var cmd *redis.Cmd
	waitErr := l.write(ctx, func(c redis.Cmdable) {
		cmd = renewScript.Eval(ctx, c, []string{l.key}, l.token, l.ttl.Milliseconds())
	})
	n, err := cmd.Int64()
	if err != nil {
		return 0, err
	}
	if n == 1 && waitErr != nil {
		return 0, waitErr // not renewed as far as a failover is concerned
	}
	return n, nil
}

func newLeaseToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// renewScript extends the lease only while it still holds our token.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

// releaseScript deletes the lease only while it still holds our token.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

// Acquire blocks until this process holds the lease (or ctx ends), then keeps renewing
// it until ctx ends or the lease is lost; lost then receives the reason (ErrLeaseLost,
// or ctx's error after the lease was released). Trying again every third of the TTL
// keeps the hand-over after a holder's death within about one TTL.
func (l *Lease) Acquire(ctx context.Context) (lost <-chan error, err error) {
	retry := time.NewTicker(l.ttl / 3)
	defer retry.Stop()
	for {
		ok, err := l.take(ctx)
		if err == nil && ok {
			break
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("redisstore: acquire lease %s: %w", l.key, ctx.Err())
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("redisstore: acquire lease %s: %w", l.key, ctx.Err())
		case <-retry.C:
		}
	}
	ch := make(chan error, 1)
	go func() { ch <- l.keep(ctx) }()
	return ch, nil
}

// ErrLeaseLost says another process holds (or may hold) the lease now.
var ErrLeaseLost = errors.New("redisstore: lease lost")

// keep renews the lease until ctx ends (then releases it) or the lease is lost. When
// renewals keep failing it gives up two thirds of a TTL after the last success, before
// the key can expire and another process take it, so two holders never overlap while
// the clocks agree on the length of a TTL.
func (l *Lease) keep(ctx context.Context) error {
	tick := time.NewTicker(l.ttl / 3)
	defer tick.Stop()
	renewed := time.Now()
	for {
		select {
		case <-ctx.Done():
			release, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.ttl/3)
			defer cancel()
			_ = releaseScript.Run(release, l.rdb, []string{l.key}, l.token).Err()
			return ctx.Err()
		case <-tick.C:
		}
		attempt, cancel := context.WithTimeout(ctx, l.ttl/6)
		n, err := l.renew(attempt)
		cancel()
		switch {
		case err == nil && n == 1:
			renewed = time.Now()
		case err == nil:
			return fmt.Errorf("%w: %s is held by another process", ErrLeaseLost, l.key)
		case ctx.Err() != nil:
			continue // the next round releases
		case time.Since(renewed) >= 2*l.ttl/3:
			return fmt.Errorf("%w: %s not renewed for %s: %w", ErrLeaseLost, l.key, time.Since(renewed).Round(time.Millisecond), err)
		}
	}
}
