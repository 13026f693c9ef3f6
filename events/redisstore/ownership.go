package redisstore

// # ObjectId ownership across slots
//
// objectIds are unique across all plans (docs/contract.md 2), so ownership needs one place
// per objectId where claims serialise. A single-slot index ({owners}) would put every
// append's script in that slot too, so the store could not run on a cluster; keeping
// the index in the aggregate's slot cannot see a claim by an aggregate of another slot.
// So each objectId's ownership record lives in the objectId's own partition,
// {pNN}:oid:<objectId>. The record is a hash: owner (aggregate id), gen (bumped by
// every claim), ver (the version of the claim that wrote it), pend (the token of a
// transaction that reserved it, '' when settled), and while reserved fresh ('1' if the
// reservation created it) and pver (ver before the reservation).
//
// # One script on a single server
//
// A script on a single Redis server may touch keys of any hash tag, so there the append
// script (append.lua) gets every claimed and released objectId's record as a local key
// and does it all in one round trip: for each objectId the aggregate does not own yet, a
// record naming another aggregate stops the commit ('taken', resolved as below);
// otherwise the script writes the record (owner, a new gen, ver, pend '') and adds the
// objectId to the aggregate's oids set, in the same atomic step as the events. That is
// a reservation and its commit with nothing in between, so nothing below needs a lock or
// a lease. New picks this mode for a plain client on a server without cluster mode
// (store.go).
//
// # The reservation protocol on a cluster
//
// On a cluster a script only reaches its own slot, and an append whose claims reach
// other slots becomes a small transaction with the aggregate's slot as the coordinator:
//
//  1. begin (aggregate slot): check the expected version, take the aggregate's txn lock
//     (a random token with a lease, SET NX PX), and learn which foreign objectIds the
//     aggregate does not own yet (its oids set). Ones it owns need nothing: its records
//     cannot be taken from it while they are in that set.
//  2. claim (each foreign slot, pipelined, one call per slot for concurrent transactions
//     together): all or none per slot and transaction, reserve each record for
//     the token (pend=token), or report the record's owner if it is another aggregate.
//  3. append (aggregate slot): the usual script, which additionally requires the lock to
//     still hold the token. It commits, adds the claims to the oids set, drops the lock.
//  4. finalize (each foreign slot, pipelined, concurrent transactions together): clear
//     the reservations, delete released records. This is clean-up: the commit is already decided.
//
// A failure before 3 undoes the reservations and drops the lock. Without a transaction
// (no new foreign claims: every PUT that keeps its objectIds) the append is one script.
//
// Why no two aggregates ever own one objectId: an aggregate's state (its oids set) gains
// an objectId only in step 3, which runs only while the token holds the lock and after
// the record was reserved for that token, or in the single-server script, which writes
// the record in the same step. Another aggregate meeting that record sees owner A: it
// may only remove the record after probing A's slot (probe.lua) and finding that A's
// state lacks the objectId and no live transaction holds the record's pending token; it
// then deletes the record only if it is still the record it probed (takeover.lua). Every
// claim that writes a record bumps its generation (claiming an objectId the aggregate
// owns already writes nothing), and a generation starts again at 1 only when a record is
// created anew (after a takeover, an undo or a release deleted it), so the takeover
// compares owner, generation, pending token and version: a new record of the same owner
// holds a reservation's new token, or was committed at a later version of that owner.
// So a claim by A between the probe and the takeover makes the takeover fail. A
// transaction whose lease ran out cannot reach step 3 any more, because step 3 checks
// the lock: the lease is the fence, and a late writer's commit fails instead of landing
// on an objectId that was given away.
//
// What a crash leaves behind is therefore only a record that names an aggregate that
// does not own the objectId (a reservation never committed, a release never
// finalized), and that heals itself: the next claimer probes, finds it stale, and takes
// it over. Versions guard late clean-up: a record stores the version of the claim that
// wrote it, and a release only deletes records older than itself.
//
// The price: on a cluster, creating a plan costs four round trips instead of one
// (begin, claims, append, finalize), and two writers racing for one objectId may wait
// for each other for up to a lease when one of them dies mid-way. Steps 2 and 4 of
// concurrent transactions run together (batcher.go): one script call per slot carries
// a group per transaction, each decided on its own, so their script calls are shared.
//
// # Moving between modes
//
// Both modes use the same keys and the same record format, and each leaves only states
// the other handles, so data written in one mode is valid in the other, and stores of
// both modes may even write to one server at once (the tests run them side by side):
//   - A settled record ({owner, gen, ver, pend ''}, the objectId in the owner's oids set)
//     is what both modes leave after a commit; the single-server script never leaves
//     anything else, so its data moves to a cluster as it is (same keys, same slots).
//   - A cluster writer's leftovers, moved to a single server, or a reservation-mode
//     writer beside one-script writers, meet the one-script path at the same checks: its
//     own aggregate's txn lock makes the script answer busy (wait), and a record
//     reserved or owned by another aggregate answers taken, which Append resolves by
//     probe and takeover exactly as above: a live lease of another token is waited for,
//     an expired one or an unfinalized release is taken over, a real owner wins.
//
// A move must keep the keys' TTLs (or run with no writer of the reservation protocol
// left): a txn lock is a lease, and one copied without its TTL would block its
// aggregate for good.

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// contest is an ownership record naming another aggregate, as a script reported it.
type contest struct {
	objectID, owner, pending, generation, version string
}

func contestOf(r reply) contest {
	return contest{objectID: r.arg(0), owner: r.arg(1), pending: r.arg(2), generation: r.arg(3), version: r.arg(4)}
}

// appendInTxn appends w with the transaction described above.
func (s *Store) appendInTxn(ctx context.Context, w *write) (outcome, error) {
	token := uuid.NewString()
	toClaim, out, err := s.begin(ctx, w, token)
	if err != nil || out != nil {
		return deref(out), err
	}
	if out, err := s.reserve(ctx, w, token, toClaim); err != nil || out != nil {
		s.abort(ctx, w, token, toClaim)
		return deref(out), err
	}

	call := s.appendCall(w, token)
	s.runDurably(ctx, []*scriptCall{call})
	r, err := parseReply(call.cmd)
	if err != nil {
		// The append may have run: undoing the reservations now could free objectIds
		// the aggregate owns. Leave them; the lease decides, and stale ones heal.
		s.unlock(ctx, w, token)
		return outcome{}, fmt.Errorf("redisstore: append to %q: outcome unknown: %w", w.c.AggregateID, err)
	}
	if r.status() == "ok" {
		s.finalize(ctx, w, token, toClaim)
		return outcome{kind: committed}, nil
	}
	s.abort(ctx, w, token, toClaim)
	switch r.status() {
	case "conflict":
		return outcome{}, conflictError(w, r.arg(0))
	case "lease":
		return outcome{kind: busy}, nil
	case "taken":
		return outcome{kind: contested, contest: contestOf(r)}, nil
	}
	return outcome{}, fmt.Errorf("redisstore: append to %q: unexpected reply %q", w.c.AggregateID, r)
}

func deref(o *outcome) outcome {
	if o == nil {
		return outcome{}
	}
	return *o
}

// begin is step 1: it takes the aggregate's lock for token and returns the foreign
// objectIds the aggregate does not own yet. A non-nil outcome means the transaction
// did not start (and holds nothing).
func (s *Store) begin(ctx context.Context, w *write, token string) ([]string, *outcome, error) {
	c := w.c
	call := &scriptCall{
		script: beginScript,
		keys:   []string{s.keys.snapshot(c.AggregateID), s.keys.owned(c.AggregateID), s.keys.txn(c.AggregateID)},
		args:   append([]any{c.ExpectedVersion, token, s.opts.txnLease.Milliseconds()}, toAny(w.foreignClaims)...),
	}
	runScripts(ctx, s.rdb, []*scriptCall{call})
	r, err := parseReply(call.cmd)
	if err != nil {
		s.unlock(ctx, w, token) // it may have taken the lock
		return nil, nil, fmt.Errorf("redisstore: append to %q: begin: %w", c.AggregateID, err)
	}
	switch r.status() {
	case "ok":
		return r[1:], nil, nil
	case "conflict":
		return nil, nil, conflictError(w, r.arg(0))
	case "busy":
		return nil, &outcome{kind: busy}, nil
	}
	return nil, nil, fmt.Errorf("redisstore: append to %q: unexpected begin reply %q", c.AggregateID, r)
}

// reserve is step 2: it reserves ids for token in their slots. A non-nil outcome or an
// error means some reservation failed; the caller aborts, which undoes the others.
// Concurrent reservations share script calls and a round trip (batcher.go).
func (s *Store) reserve(ctx context.Context, w *write, token string, ids []string) (*outcome, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	req := &claimRequest{w: w, token: token, byPart: s.byPartition(ids)}
	s.claims.do(req, func(batch []*claimRequest) { s.claimBatch(ctx, batch) })
	var lost *outcome
	for p := range req.byPart {
		if err := req.errs[p]; err != nil {
			return nil, fmt.Errorf("redisstore: append to %q: claim: %w", w.c.AggregateID, err)
		}
		if r := req.replies[p]; r.status() == "taken" && lost == nil {
			lost = &outcome{kind: contested, contest: contestOf(r)}
		}
	}
	return lost, nil
}

// byPartition groups objectIds by the partition of their ownership record.
func (s *Store) byPartition(ids []string) map[int][]string {
	out := map[int][]string{}
	for _, id := range ids {
		p := s.keys.partitionOf(id)
		out[p] = append(out[p], id)
	}
	return out
}

func (s *Store) ownerKeys(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = s.keys.owner(id)
	}
	return out
}

// cleanupTimeout bounds clean-up after the caller's context may be gone: clean-up that
// is skipped only delays others (stale records heal), but it should still run.
const cleanupTimeout = 5 * time.Second

func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
}

// abort undoes a transaction that did not commit: its reservations, then its lock.
func (s *Store) abort(ctx context.Context, w *write, token string, reserved []string) {
	ctx, cancel := cleanupContext(ctx)
	defer cancel()
	var calls []*scriptCall
	for _, group := range s.byPartition(reserved) {
		calls = append(calls, &scriptCall{script: undoScript, keys: s.ownerKeys(group), args: []any{token}})
	}
	calls = append(calls, s.unlockCall(w, token))
	runScripts(ctx, s.rdb, calls)
	s.logFailures(w, "abort", calls)
}

func (s *Store) unlock(ctx context.Context, w *write, token string) {
	ctx, cancel := cleanupContext(ctx)
	defer cancel()
	call := s.unlockCall(w, token)
	runScripts(ctx, s.rdb, []*scriptCall{call})
	s.logFailures(w, "unlock", []*scriptCall{call})
}

func (s *Store) unlockCall(w *write, token string) *scriptCall {
	return &scriptCall{script: unlockScript, keys: []string{s.keys.txn(w.c.AggregateID)}, args: []any{token}}
}

// finalize confirms the reservations of a committed transaction and deletes the
// records of foreign objectIds the commit released (local ones the append did).
// Concurrent finalizes share script calls and a round trip (batcher.go).
func (s *Store) finalize(ctx context.Context, w *write, token string, reserved []string) {
	if len(reserved) == 0 && len(w.foreignReleases) == 0 {
		return
	}
	s.finalizes.do(&finalizeRequest{w: w, token: token, reserved: reserved}, func(batch []*finalizeRequest) {
		s.finalizeBatch(ctx, batch)
	})
}

func (s *Store) logFailures(w *write, step string, calls []*scriptCall) {
	for _, call := range calls {
		if err := call.cmd.Err(); err != nil {
			s.opts.logger.Warn("redisstore: ownership clean-up failed; stale records heal on the next claim",
				"step", step, "aggregate", w.c.AggregateID, "err", err)
			return
		}
	}
}

type verdict int

const (
	verdictOwned verdict = iota // the owner owns it: the claim loses
	verdictBusy                 // the owner's transaction is under way: wait
	verdictFreed                // the record was stale and is gone: claim again
)

// resolve decides a contest: probe the named owner's slot, and take a stale record
// over (see the comment at the top of this file).
func (s *Store) resolve(ctx context.Context, ct contest) (verdict, error) {
	probe := &scriptCall{
		script: probeScript,
		keys:   []string{s.keys.txn(ct.owner), s.keys.owned(ct.owner)},
		args:   []any{ct.pending, ct.objectID},
	}
	runScripts(ctx, s.rdb, []*scriptCall{probe})
	r, err := parseReply(probe.cmd)
	if err != nil {
		return 0, fmt.Errorf("probe owner of %q: %w", ct.objectID, err)
	}
	switch r.status() {
	case "owned":
		return verdictOwned, nil
	case "busy":
		return verdictBusy, nil
	case "free":
	default:
		return 0, fmt.Errorf("probe owner of %q: unexpected reply %q", ct.objectID, r)
	}
	dropped, err := s.takeover(ctx, ct)
	if err != nil {
		return 0, err
	}
	if !dropped {
		return verdictBusy, nil // the record changed meanwhile: look again after a pause
	}
	return verdictFreed, nil
}

// takeover deletes the record ct reported if it is still that record, and reports
// whether it did.
func (s *Store) takeover(ctx context.Context, ct contest) (bool, error) {
	call := &scriptCall{
		script: takeoverScript,
		keys:   []string{s.keys.owner(ct.objectID)},
		args:   []any{ct.owner, ct.generation, ct.pending, ct.version},
	}
	runScripts(ctx, s.rdb, []*scriptCall{call})
	dropped, err := call.cmd.Int()
	if err != nil {
		return false, fmt.Errorf("take over %q: %w", ct.objectID, err)
	}
	return dropped == 1, nil
}

func toAny(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
