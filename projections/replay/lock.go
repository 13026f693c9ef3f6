package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/planstore/planstore/projections/elastic"
)

// LockIndex holds the cluster-wide replay locks: one document per alias, its id the
// alias's name (so the lock of the alias `plans` is /planstore-replay-lock/_doc/plans),
// that exists while a replay of that alias runs. Its name deliberately does not start with "plans-", so nothing
// that handles read-model generations (plans-*) ever touches it.
//
// The lock works on every cluster size and on the embedded engine alike:
//   - acquire creates the document with op_type=create: exactly one of several
//     processes gets 201, the others 409 and ErrReplayRunning;
//   - the holder renews it every TTL/3 with if_seq_no/if_primary_term, pushing
//     expires_at forward; a renewal that conflicts means the lock was taken over;
//   - a lock whose expires_at has passed (its holder was killed, or lost the cluster
//     for longer than the TTL) is stale: the next replay takes it over with the same
//     compare-and-set, so of two replays that both find it stale exactly one wins;
//   - release deletes the document, again only if it is still the holder's version.
//
// Staleness is judged with the clock of the process that finds the lock against the
// expires_at the holder wrote, so the TTL must be much larger than clock skew between
// hosts; the default two minutes is. An operator can also free a lock by hand:
// DELETE /planstore-replay-lock/_doc/plans.
const LockIndex = "planstore-replay-lock"

// lockIndexBody: one small shard, a replica wherever there is a second node, so the
// lock survives losing one node of a three-node cluster.
const lockIndexBody = `{
  "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1"},
  "mappings": {"properties": {
    "alias":       {"type": "keyword"},
    "owner":       {"type": "keyword"},
    "job_id":      {"type": "keyword"},
    "index":       {"type": "keyword"},
    "acquired_at": {"type": "keyword"},
    "expires_at":  {"type": "long"}
  }}
}`

// LockRecord is the lock document: who holds the lock, for which job and index, and
// until when (Unix milliseconds, renewed while the replay runs).
type LockRecord struct {
	Alias      string `json:"alias"`
	Owner      string `json:"owner"`
	JobID      string `json:"job_id"`
	Index      string `json:"index,omitempty"`
	AcquiredAt string `json:"acquired_at"`
	ExpiresAt  int64  `json:"expires_at"`
}

// LockHeldError says who holds the lock; it wraps ErrReplayRunning.
type LockHeldError struct {
	Holder LockRecord
}

func (e *LockHeldError) Error() string {
	return fmt.Sprintf("%v: job %s on %s holds the lock until %s", ErrReplayRunning, e.Holder.JobID, e.Holder.Owner,
		time.UnixMilli(e.Holder.ExpiresAt).UTC().Format(time.RFC3339))
}

func (e *LockHeldError) Unwrap() error { return ErrReplayRunning }

// clusterLock is a held lock.
type clusterLock struct {
	client *elasticsearch.Client
	ttl    time.Duration
	now    func() time.Time

	mu          sync.Mutex // guards rec and the compare-and-set token
	rec         LockRecord
	seqNo, term int64
}

type docMeta struct {
	SeqNo       int64           `json:"_seq_no"`
	PrimaryTerm int64           `json:"_primary_term"`
	Found       bool            `json:"found"`
	Source      json.RawMessage `json:"_source"`
}

// acquireLock takes the cluster lock for a job, or fails with a *LockHeldError.
func acquireLock(ctx context.Context, client *elasticsearch.Client, alias, owner, jobID string, ttl time.Duration, now func() time.Time) (*clusterLock, error) {
	if err := ensureLockIndex(ctx, client); err != nil {
		return nil, err
	}
	l := &clusterLock{client: client, ttl: ttl, now: now}
	l.rec = LockRecord{Alias: alias, Owner: owner, JobID: jobID, AcquiredAt: now().UTC().Format(time.RFC3339Nano)}
	err := l.create(ctx)
	if !isConflict(err) {
		return l, err
	}
	// Taken: stale, or really held?
	current, meta, err := readLock(ctx, client, alias)
	if err != nil {
		return nil, err
	}
	if !meta.Found {
		// Released between our create and our read: one more create decides.
		if err := l.create(ctx); err != nil {
			if isConflict(err) {
				return nil, &LockHeldError{Holder: LockRecord{Owner: "unknown", JobID: "unknown"}}
			}
			return nil, err
		}
		return l, nil
	}
	if l.isOwn(current) {
		// Our own create, applied, whose answer was lost; the client's retry then
		// conflicted with it (a node died after the write reached its replica).
		l.seqNo, l.term = meta.SeqNo, meta.PrimaryTerm
		return l, nil
	}
	if now().UnixMilli() < current.ExpiresAt {
		return nil, &LockHeldError{Holder: current}
	}
	l.seqNo, l.term = meta.SeqNo, meta.PrimaryTerm
	if err := l.write(ctx); err != nil {
		if isConflict(err) || isNotFound(err) {
			// Another replay took the stale lock over first.
			return nil, &LockHeldError{Holder: current}
		}
		return nil, err
	}
	return l, nil
}

func ensureLockIndex(ctx context.Context, client *elasticsearch.Client) error {
	api := client.Indices.Create
	res, err := api(LockIndex, api.WithContext(ctx), api.WithBody(strings.NewReader(lockIndexBody)))
	if _, err := do("create index "+LockIndex, res, err); err != nil && !errors.Is(err, elastic.ErrIndexExists) {
		return err
	}
	return nil
}

func readLock(ctx context.Context, client *elasticsearch.Client, alias string) (LockRecord, docMeta, error) {
	api := client.Get
	res, err := api(LockIndex, alias, api.WithContext(ctx))
	body, err := do("read replay lock", res, err)
	if isNotFound(err) {
		return LockRecord{}, docMeta{}, nil
	}
	if err != nil {
		return LockRecord{}, docMeta{}, err
	}
	var meta docMeta
	if err := json.Unmarshal(body, &meta); err != nil {
		return LockRecord{}, docMeta{}, fmt.Errorf("replay: read replay lock: %w", err)
	}
	var rec LockRecord
	if err := json.Unmarshal(meta.Source, &rec); err != nil {
		return LockRecord{}, docMeta{}, fmt.Errorf("replay: read replay lock: %w", err)
	}
	return rec, meta, nil
}

// create writes the lock document if none exists (409 otherwise).
func (l *clusterLock) create(ctx context.Context) error {
	return l.put("take replay lock", func(body io.Reader) (*esapi.Response, error) {
		api := l.client.Create
		return api(LockIndex, l.rec.Alias, body, api.WithContext(ctx), api.WithRefresh("true"))
	})
}

// write replaces the lock document if it is still the version we last saw.
func (l *clusterLock) write(ctx context.Context) error {
	return l.put("renew replay lock", func(body io.Reader) (*esapi.Response, error) {
		api := l.client.Index
		return api(LockIndex, body, api.WithContext(ctx), api.WithDocumentID(l.rec.Alias),
			api.WithIfSeqNo(int(l.seqNo)), api.WithIfPrimaryTerm(int(l.term)), api.WithRefresh("true"))
	})
}

// put moves the lock's expiry a ttl from now, sends the lock document with send (called
// with l.mu held) and remembers the compare-and-set token of the answer.
func (l *clusterLock) put(op string, send func(body io.Reader) (*esapi.Response, error)) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rec.ExpiresAt = l.now().Add(l.ttl).UnixMilli()
	body, err := json.Marshal(l.rec)
	if err != nil {
		return fmt.Errorf("replay: encode lock: %w", err)
	}
	res, err := send(bytes.NewReader(body))
	return l.remember(do(op, res, err))
}

// remember keeps the compare-and-set token of the write just made; l.mu is held.
func (l *clusterLock) remember(body []byte, err error) error {
	if err != nil {
		return err
	}
	var meta docMeta
	if err := json.Unmarshal(body, &meta); err != nil {
		return fmt.Errorf("replay: replay lock answer: %w", err)
	}
	l.seqNo, l.term = meta.SeqNo, meta.PrimaryTerm
	return nil
}

// isOwn tells whether a lock document names this lock's job and owner.
func (l *clusterLock) isOwn(rec LockRecord) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return rec.JobID == l.rec.JobID && rec.Owner == l.rec.Owner && rec.Alias == l.rec.Alias
}

// recordIndex notes the index being built in the lock, for an operator reading it.
func (l *clusterLock) recordIndex(ctx context.Context, index string) error {
	l.mu.Lock()
	l.rec.Index = index
	l.mu.Unlock()
	return l.renew(ctx)
}

// renew pushes the expiry forward; ErrLockLost when another replay took the lock.
func (l *clusterLock) renew(ctx context.Context) error {
	err := l.write(ctx)
	if isConflict(err) {
		// A renewal applied whose answer was lost conflicts with its own retry: the
		// document then still names this job, and only its token is new.
		current, meta, rerr := readLock(ctx, l.client, l.rec.Alias)
		if rerr == nil && meta.Found && l.isOwn(current) {
			l.mu.Lock()
			l.seqNo, l.term = meta.SeqNo, meta.PrimaryTerm
			l.mu.Unlock()
			return nil
		}
	}
	if isConflict(err) || isNotFound(err) {
		return fmt.Errorf("%w: %w", ErrLockLost, err)
	}
	return err
}

// keepAlive renews the lock until ctx ends; when the lock is lost or cannot be renewed
// before it would expire, it calls lost once and stops.
func (l *clusterLock) keepAlive(ctx context.Context, lost func(error)) {
	every := l.ttl / 3
	t := time.NewTicker(every)
	defer t.Stop()
	var failingSince time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// A renewal is never cut short: one whose request reached the cluster would
		// change the lock's seq_no without us learning it, and release would then
		// leave the lock behind until it expires.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), every)
		err := l.renew(rctx)
		cancel()
		switch {
		case err == nil:
			failingSince = time.Time{}
		case ctx.Err() != nil:
			return
		case errors.Is(err, ErrLockLost):
			lost(err)
			return
		default:
			// A transient failure: retry at the next tick while the lock is still ours.
			if failingSince.IsZero() {
				failingSince = l.now()
			}
			if l.now().Sub(failingSince) >= l.ttl-every {
				lost(fmt.Errorf("%w: could not renew it for %s: %w", ErrLockLost, l.now().Sub(failingSince).Round(time.Second), err))
				return
			}
		}
	}
}

// release deletes the lock if it is still ours. It runs on the way out of a replay
// that may have been cancelled, so it uses its own short deadline.
func (l *clusterLock) release(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	l.mu.Lock()
	seqNo, term, alias := l.seqNo, l.term, l.rec.Alias
	l.mu.Unlock()
	api := l.client.Delete
	res, err := api(LockIndex, alias, api.WithContext(ctx), api.WithIfSeqNo(int(seqNo)), api.WithIfPrimaryTerm(int(term)), api.WithRefresh("true"))
	_, err = do("release replay lock", res, err)
	if isConflict(err) || isNotFound(err) {
		return nil // no longer ours: nothing to release
	}
	return err
}
