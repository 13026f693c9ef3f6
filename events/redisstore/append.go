package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/planstore/planstore/events"
)

// Append writes the commit atomically or not at all: see events.Commit. It returns an
// error wrapping events.ErrVersionConflict when the aggregate moved on, an
// *events.ObjectIDTakenError when another aggregate owns a claimed objectId, and a plain
// error for an invalid commit or when Redis fails.
//
// Most appends are one script call (appendDirect), and on a single server all are. On a
// cluster, claiming objectIds that hash to another slot and are not the aggregate's yet
// takes a transaction (appendInTxn, ownership.go). Both may find the way blocked for a
// moment, by another transaction of the same aggregate or a reservation of a claimed
// objectId; Append then backs off and tries again, for at most about twice the
// transaction lease.
func (s *Store) Append(ctx context.Context, c events.Commit) error {
	if err := c.Validate(); err != nil {
		return err
	}
	w, err := s.prepare(c)
	if err != nil {
		return err
	}
	// Every try may follow one whose reply was lost but whose commit landed: a conflict
	// is then our own commit (replicas.go), and anything else is safe to try again.
	return s.retrying(ctx, func(ctx context.Context) error {
		err := s.appendOnce(ctx, w)
		if !errors.Is(err, events.ErrVersionConflict) {
			return err
		}
		ours, checkErr := s.alreadyCommitted(ctx, w)
		switch {
		case ours && checkErr == nil:
			return nil
		case checkErr != nil:
			return fmt.Errorf("redisstore: append to %q: %w", c.AggregateID, checkErr)
		}
		return err
	})
}

// appendOnce is one try of Append.
func (s *Store) appendOnce(ctx context.Context, w *write) error {
	c := w.c
	// A new aggregate owns nothing yet, so its foreign claims need the transaction: skip
	// the direct attempt that would only say so.
	inTxn := c.ExpectedVersion == 0 && len(w.foreignClaims) > 0
	bo := newBackoff(2*s.opts.txnLease + time.Second)
	for {
		var (
			out outcome
			err error
		)
		if inTxn {
			out, err = s.appendInTxn(ctx, w)
		} else {
			out, err = s.appendDirect(ctx, w)
		}
		if err != nil {
			return err
		}
		switch out.kind {
		case committed:
			return nil
		case needTxn:
			inTxn = true
			continue
		case contested:
			verdict, err := s.resolve(ctx, out.contest)
			if err != nil {
				return fmt.Errorf("redisstore: append to %q: %w", c.AggregateID, err)
			}
			switch verdict {
			case verdictOwned:
				return &events.ObjectIDTakenError{ObjectID: out.contest.objectID, Owner: out.contest.owner}
			case verdictFreed:
				continue // the stale record is gone: try again at once
			}
		}
		if err := bo.wait(ctx); err != nil {
			return fmt.Errorf("redisstore: append to %q: %w", c.AggregateID, err)
		}
	}
}

// write is a commit prepared for the scripts.
type write struct {
	c         events.Commit
	partition int
	encoded   []any // the events as []byte, which go-redis sends as they are
	deleted   bool
	version   int64 // the aggregate's version after the commit

	// Local objectIds have their ownership record in reach of the append script: on a
	// cluster those in the aggregate's slot, on a single server all of them. Foreign ones
	// take the reservation protocol (claims) or a clean-up after the commit (releases).
	localClaims, localReleases     []string
	foreignClaims, foreignReleases []string
}

func (s *Store) prepare(c events.Commit) (*write, error) {
	w := &write{
		c:         c,
		partition: s.keys.partitionOf(c.AggregateID),
		deleted:   c.Deletes(),
		version:   c.ExpectedVersion + int64(len(c.Events)),
	}
	for _, e := range c.Events {
		b, err := s.codec.Encode(e)
		if err != nil {
			return nil, fmt.Errorf("redisstore: append to %q: %w", c.AggregateID, err)
		}
		w.encoded = append(w.encoded, b)
	}
	for _, id := range c.ClaimObjectIDs {
		if s.local(id, w.partition) {
			w.localClaims = append(w.localClaims, id)
		} else {
			w.foreignClaims = append(w.foreignClaims, id)
		}
	}
	for _, id := range c.ReleaseObjectIDs {
		if s.local(id, w.partition) {
			w.localReleases = append(w.localReleases, id)
		} else {
			w.foreignReleases = append(w.foreignReleases, id)
		}
	}
	return w, nil
}

// local reports whether the append script of an aggregate in partition can reach
// objectID's ownership record itself.
func (s *Store) local(objectID string, partition int) bool {
	return s.oneScript || s.keys.partitionOf(objectID) == partition
}

type outcomeKind int

const (
	committed outcomeKind = iota
	needTxn               // foreign objectIds to claim: use a transaction
	busy                  // another transaction is in the way: back off, retry
	contested             // an objectId is recorded as someone else's: resolve, retry
)

type outcome struct {
	kind    outcomeKind
	contest contest
}

// appendCall is the append script for w; token is "" outside a transaction.
func (s *Store) appendCall(w *write, token string) *scriptCall {
	c := w.c
	keys := []string{
		s.keys.snapshot(c.AggregateID), s.keys.events(c.AggregateID), s.keys.owned(c.AggregateID),
		s.keys.txn(c.AggregateID), s.keys.log(w.partition),
	}
	for _, id := range w.localClaims {
		keys = append(keys, s.keys.owner(id))
	}
	for _, id := range w.localReleases {
		keys = append(keys, s.keys.owner(id))
	}
	// []byte, not json.RawMessage: go-redis sends a []byte as it is, but cannot encode
	// the named type.
	deleted, doc := "0", []byte(c.Snapshot)
	if w.deleted {
		deleted, doc = "1", nil
	}
	args := []any{
		c.AggregateID, c.ExpectedVersion, token, deleted, doc,
		s.keys.notifyChannel(), w.partition,
		len(w.encoded), len(w.localClaims), len(w.localReleases), len(w.foreignClaims), len(w.foreignReleases),
	}
	args = append(args, w.encoded...)
	for _, list := range [][]string{w.localClaims, w.localReleases, w.foreignClaims, w.foreignReleases} {
		for _, id := range list {
			args = append(args, id)
		}
	}
	return &scriptCall{script: appendScript, keys: keys, args: args}
}

// appendDirect is the one-round-trip append: everything the commit touches lives in the
// aggregate's slot, or is a foreign objectId the aggregate already owns.
//
// Concurrent appends share a round trip (group commit, batcher): whichever caller leads
// sends every queued script call as one pipeline, and each caller reads its own reply.
// Each script is still atomic on its own and decides only its own commit, so sharing
// changes nothing but the syscalls and, with replicas, the WAITs: one per batch.
func (s *Store) appendDirect(ctx context.Context, w *write) (outcome, error) {
	deadline, _ := ctx.Deadline()
	req := &appendRequest{call: s.appendCall(w, ""), deadline: deadline}
	s.appends.do(req, func(batch []*appendRequest) { s.runAppends(ctx, batch) })
	r, err := parseReply(req.call.cmd)
	if err != nil {
		return outcome{}, fmt.Errorf("redisstore: append to %q: %w", w.c.AggregateID, err)
	}
	switch r.status() {
	case "ok":
		s.finalize(ctx, w, "", nil)
		return outcome{kind: committed}, nil
	case "conflict":
		return outcome{}, conflictError(w, r.arg(0))
	case "busy":
		return outcome{kind: busy}, nil
	case "needtxn":
		return outcome{kind: needTxn}, nil
	case "taken":
		return outcome{kind: contested, contest: contestOf(r)}, nil
	}
	return outcome{}, fmt.Errorf("redisstore: append to %q: unexpected reply %q", w.c.AggregateID, r)
}

func conflictError(w *write, current string) error {
	return fmt.Errorf("%w: aggregate %q is at version %s, not %d", events.ErrVersionConflict, w.c.AggregateID, current, w.c.ExpectedVersion)
}

// errGaveUp: a transaction or a reservation stayed in the way longer than a lease
// allows, which only a stuck or very slow writer explains. The caller may try again.
var errGaveUp = fmt.Errorf("%w: gave up waiting for another writer's transaction", events.ErrUnavailable)

// backoff spaces out retries of a blocked append with jitter, so racing writers do not
// retry in lockstep, and gives up after a deadline.
type backoff struct {
	next     time.Duration
	deadline time.Time
}

func newBackoff(limit time.Duration) *backoff {
	return &backoff{next: time.Millisecond, deadline: time.Now().Add(limit)}
}

func (b *backoff) wait(ctx context.Context) error {
	if time.Now().After(b.deadline) {
		return errGaveUp
	}
	d := b.next/2 + rand.N(b.next)
	b.next = min(2*b.next, 50*time.Millisecond)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
