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
// The lease does not wait for replicas (WAIT), unlike commits: after a failover the
// promoted master has no replica until the old one rejoins, and a lease that needs one
// would stop the relay for that long. The price: a renewal not yet replicated when its
// master dies is forgotten, so the key can expire up to a third of a TTL early on the
// new master and a standby take over while the holder still leads; the holder's next
// renewal then finds another token and gives up. Two relays for that moment relay
// distinct outbox entries, at least once as always; the projector is order-safe
// (external versions), so at worst a consumer that needs per-plan order sees two
// events of one plan out of order once.
type Lease struct {
	rdb   redis.UniversalClient
	key   string
	ttl   time.Duration
	token string
}

// Lease returns the lease named name (a key under the store's prefix).
func (s *Store) Lease(name string, ttl time.Duration) *Lease {
	return &Lease{rdb: s.rdb, key: s.keys.lease(name), ttl: ttl, token: newLeaseToken()}
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
		ok, err := l.rdb.SetNX(ctx, l.key, l.token, l.ttl).Result()
		if err == nil && ok {
			break
		}
		l.reloadOn(ctx, err)
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

// keep renews the lease until ctx ends (then releases it) or the lease is lost. A failed
// renewal is retried every fifteenth of the TTL; when renewals keep failing it gives up
// two thirds of a TTL after the last success, before the key can expire and another
// process take it, so two holders never overlap while the clocks agree on the length
// of a TTL.
func (l *Lease) keep(ctx context.Context) error {
	timer := time.NewTimer(l.ttl / 3)
	defer timer.Stop()
	renewed := time.Now()
	for {
		select {
		case <-ctx.Done():
			release, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.ttl/3)
			defer cancel()
			_ = releaseScript.Run(release, l.rdb, []string{l.key}, l.token).Err()
			return ctx.Err()
		case <-timer.C:
		}
		attempt, cancel := context.WithTimeout(ctx, l.ttl/6)
		n, err := renewScript.Run(attempt, l.rdb, []string{l.key}, l.token, l.ttl.Milliseconds()).Int()
		cancel()
		l.reloadOn(ctx, err)
		switch {
		case err == nil && n == 1:
			renewed = time.Now()
			timer.Reset(l.ttl / 3)
		case err == nil:
			return fmt.Errorf("%w: %s is held by another process", ErrLeaseLost, l.key)
		case ctx.Err() != nil:
			timer.Reset(0) // the next round releases
		case time.Since(renewed) >= 2*l.ttl/3:
			return fmt.Errorf("%w: %s not renewed for %s: %w", ErrLeaseLost, l.key, time.Since(renewed).Round(time.Millisecond), err)
		default:
			// Retry soon, not a third of a TTL later: after a failover the promoted
			// master must be found (reloadOn) and renewed within what is left.
			timer.Reset(l.ttl / 15)
		}
	}
}

// reloadOn refreshes a cluster client's slot map after a transient failure: a renewal
// must reach the promoted master well within two thirds of a TTL, and go-redis on its
// own only notices a failover when another node answers MOVED, or every 10 seconds.
func (l *Lease) reloadOn(ctx context.Context, err error) {
	if redisconn.Transient(err) {
		redisconn.Reload(ctx, l.rdb)
	}
}
