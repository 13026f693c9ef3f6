package redisstore

// # No acknowledged commit lost in a failover
//
// Redis replicates asynchronously: a master acknowledges a script before any replica
// has it, and when that master dies the replica promoted in its place may lack the
// newest commits. AOF does not help there (the dead master's file is not what the new
// master serves). So when the deployment has replicas, every script that must survive a
// failover (the append, and the reservations of the ownership protocol that the
// append's correctness rests on) runs in one pipeline with WAIT on the same connection
// to the slot's master, and a WAIT that counts fewer replicas than required turns an
// "ok" into ErrNotReplicated: the write is on the master but not acknowledged, and
// Append retries it within the retry window (retry.go), then answers unavailable.
//
// A commit that did land but whose reply was lost (a broken connection, go-redis's own
// retry, a WAIT that fell short) shows up on the next try as a version conflict.
// Append then looks at the aggregate's event list: if the event at the expected
// version is byte for byte the commit's first event (event ids are unique), the commit
// is ours, and it counts once a write on the same master (a fence key) is confirmed by
// WAIT, since replication is ordered. So retries never turn our own commit into a 409.
//
// Clean-up scripts (finalize, undo, unlock, takeover) and the transaction lock do not
// wait: ownership.go explains why each of their losses heals itself. Nor does the
// relay's lease (lease.go): it must be renewable on a promoted master that has no
// replica yet, or every failover would stop the relay.

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/transport/redisconn"
)

// fenceTTL: the fence key only needs to exist long enough to be replicated.
const fenceTTL = time.Minute

// minReplicas resolves WithMinReplicas against the deployment.
func minReplicas(ctx context.Context, client redis.UniversalClient, o options) (int, error) {
	n := o.minReplicas
	if n < 0 {
		var err error
		if n, err = redisconn.Replicas(ctx, client); err != nil {
			// A server may deny the look-up (ACLs): say so, and trust the master alone.
			o.logger.Warn("redisstore: cannot tell whether Redis has replicas; commits do not wait for any",
				slog.Any("err", err))
			return 0, nil
		}
	}
	if n == 0 {
		return 0, nil
	}
	switch client.(type) {
	case *redis.Client, *redis.ClusterClient:
	default:
		return 0, fmt.Errorf("redisstore: waiting for %d replica(s) needs a single-server or cluster client, not a %T", n, client)
	}
	o.logger.Info("redisstore: commits wait for replicas", slog.Int("replicas", n),
		slog.Duration("timeout", o.replicaTimeout))
	return n, nil
}

// runDurably runs calls like runScripts and, when commits wait for replicas, follows
// each master's share of them with WAIT on the same connection. A call that wrote
// ("ok") on a master whose WAIT fell short gets that error instead of its reply.
func (s *Store) runDurably(ctx context.Context, calls []*scriptCall) {
	if s.minReplicas == 0 {
		runScripts(ctx, s.rdb, calls)
		return
	}
	groups := map[*redis.Client][]*scriptCall{}
	for _, call := range calls {
		node, err := redisconn.MasterFor(ctx, s.rdb, call.keys[0])
		if err != nil {
			call.cmd = failedCmd(ctx, err)
			continue
		}
		groups[node] = append(groups[node], call)
	}
	var wg sync.WaitGroup
	for node, group := range groups {
		wg.Go(func() { s.runOnMaster(ctx, node, group) })
	}
	wg.Wait()
}

func (s *Store) runOnMaster(ctx context.Context, node *redis.Client, calls []*scriptCall) {
	waitErr := redisconn.WaitOn(ctx, node, s.minReplicas, s.opts.replicaTimeout, func(pipe redis.Pipeliner) {
		for _, call := range calls {
			call.cmd = call.script.EvalSha(ctx, pipe, call.keys, call.args...)
		}
	})
	var missing []*scriptCall
	for _, call := range calls {
		if err := call.cmd.Err(); err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
			missing = append(missing, call)
		}
	}
	if len(missing) > 0 {
		// A promoted replica or a restarted node has an empty script cache; the scripts
		// that met NOSCRIPT did not run, so running them again is safe.
		waitErr = redisconn.WaitOn(ctx, node, s.minReplicas, s.opts.replicaTimeout, func(pipe redis.Pipeliner) {
			for _, call := range missing {
				call.cmd = call.script.Eval(ctx, pipe, call.keys, call.args...)
			}
		})
	}
	if waitErr == nil {
		return
	}
	for _, call := range calls {
		if r, err := parseReply(call.cmd); err == nil && r.status() == "ok" {
			call.cmd = failedCmd(ctx, waitErr)
		}
	}
}

func failedCmd(ctx context.Context, err error) *redis.Cmd {
	cmd := redis.NewCmd(ctx)
	cmd.SetErr(err)
	return cmd
}

// alreadyCommitted reports whether the commit of w, refused as a version conflict, is
// in fact an earlier try of this very commit: its first event sits at the expected
// version. When commits wait for replicas, it also confirms the commit is replicated,
// and returns ErrNotReplicated (with true) when not yet.
func (s *Store) alreadyCommitted(ctx context.Context, w *write) (bool, error) {
	key := s.keys.events(w.c.AggregateID)
	first, _ := w.encoded[0].([]byte)
	var got *redis.StringCmd
	var waitErr error
	if s.minReplicas == 0 {
		got = s.rdb.LIndex(ctx, key, w.c.ExpectedVersion)
	} else {
		node, err := redisconn.MasterFor(ctx, s.rdb, key)
		if err != nil {
			return false, err
		}
		waitErr = redisconn.WaitOn(ctx, node, s.minReplicas, s.opts.replicaTimeout, func(pipe redis.Pipeliner) {
			got = pipe.LIndex(ctx, key, w.c.ExpectedVersion)
			pipe.Set(ctx, s.keys.fence(w.partition), w.c.AggregateID, fenceTTL)
		})
	}
	b, err := got.Bytes()
	if isNil(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look for an earlier try of the commit: %w", err)
	}
	if !bytes.Equal(b, first) {
		return false, nil
	}
	return true, waitErr
}
