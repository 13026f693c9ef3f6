package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"unsafe"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/events"
)

// snapshotFieldCount is how many fields hmgetSnapshot asks for.
const snapshotFieldCount = 3

// hmgetSnapshot queues or sends the HMGET of the fields of a snapshot hash a read needs,
// in this order: the version, the deleted flag and the document. Do with constant
// arguments rather than HMGet, which boxes each field name anew on every call.
func (s *Store) hmgetSnapshot(ctx context.Context, c doer, aggregateID string) *redis.Cmd {
	return c.Do(ctx, "hmget", s.keys.snapshot(aggregateID), "v", "d", "doc")
}

// snapshotReadLimit bounds the reads one pipeline carries.
const snapshotReadLimit = 128

// doer is a client or a pipeline.
type doer interface {
	Do(ctx context.Context, args ...any) *redis.Cmd
}

// snapshotRead is one caller's snapshot read, answered by the batch it joined.
type snapshotRead struct {
	aggregateID string
	snap        events.Snapshot
	err         error
}

// readSnapshot is one HMGET of exactly the snapshot's three fields (HGETALL answered a
// map, built and thrown away per call). Every plan GET and every command's load makes
// it, so concurrent reads share a round trip: a caller joins the queue, and whichever
// caller leads sends everything queued as one pipeline (batcher). A read is only ever
// sent after its caller asked, so it sees every write acknowledged before that,
// whichever process wrote it; with nothing else in flight it goes alone, at once.
func (s *Store) readSnapshot(ctx context.Context, aggregateID string) (events.Snapshot, error) {
	r := &snapshotRead{aggregateID: aggregateID}
	s.snapshotReads.do(r, func(batch []*snapshotRead) { s.readSnapshots(ctx, batch) })
	if r.err != nil {
		return events.Snapshot{}, fmt.Errorf("redisstore: load %q: %w", aggregateID, r.err)
	}
	return r.snap, nil
}

// readSnapshots answers a batch in one round trip per node. It runs on the leader's
// behalf for callers whose contexts may differ, so a leader that gives up must not fail
// the others: it takes the leader's values but not its cancellation, and the retry
// window bounds it as it bounds every read.
func (s *Store) readSnapshots(ctx context.Context, batch []*snapshotRead) {
	ctx = context.WithoutCancel(ctx)
	if len(batch) == 1 {
		r := batch[0]
		var cmd *redis.Cmd
		r.err = s.retrying(ctx, func(ctx context.Context) error {
			cmd = s.hmgetSnapshot(ctx, s.rdb, r.aggregateID)
			return cmd.Err()
		})
		if r.err == nil {
			r.snap, r.err = decodeSnapshot(r.aggregateID, cmd)
		}
		return
	}
	cmds := make([]*redis.Cmd, len(batch))
	err := s.retrying(ctx, func(ctx context.Context) error {
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, r := range batch {
				cmds[i] = s.hmgetSnapshot(ctx, p, r.aggregateID)
			}
			return nil
		})
		return err
	})
	for i, r := range batch {
		if err != nil {
			r.err = err
			continue
		}
		r.snap, r.err = decodeSnapshot(r.aggregateID, cmds[i])
	}
}

// decodeSnapshot turns HMGET's answer into a snapshot: no version means no hash, i.e.
// an aggregate that never had an event.
func decodeSnapshot(aggregateID string, cmd *redis.Cmd) (events.Snapshot, error) {
	vals, err := cmd.Slice()
	if err != nil {
		return events.Snapshot{}, err
	}
	if len(vals) != snapshotFieldCount {
		return events.Snapshot{}, fmt.Errorf("%d fields answered, want %d", len(vals), snapshotFieldCount)
	}
	v, ok := vals[0].(string)
	if !ok {
		return events.Snapshot{}, events.ErrNotFound
	}
	version, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return events.Snapshot{}, fmt.Errorf("bad version: %w", err)
	}
	deleted, _ := vals[1].(string)
	snap := events.Snapshot{AggregateID: aggregateID, Version: version, Deleted: deleted == "1"}
	if !snap.Deleted {
		doc, _ := vals[2].(string)
		snap.Document = replyBytes(doc)
	}
	return snap, nil
}

// replyBytes views a bulk string of a reply as the bytes it was read into, rather than
// copying a whole document per read. That is sound because go-redis reads every bulk
// string into a slice of its own, made for that reply, and hands it over as a string
// without copying; once the reply is decoded nothing else refers to it, so the
// snapshot owns those bytes as if it had made them.
func replyBytes(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
