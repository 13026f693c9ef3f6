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

// snapshotFields are the fields of a snapshot hash a read needs, in the order HMGET
// answers them: the version, the deleted flag and the document.
var snapshotFields = []string{"v", "d", "doc"}

// snapshotReadLimit bounds the reads one pipeline carries.
const snapshotReadLimit = 128

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
		var vals []any
		r.err = s.retrying(ctx, func(ctx context.Context) (err error) {
			vals, err = s.rdb.HMGet(ctx, s.keys.snapshot(r.aggregateID), snapshotFields...).Result()
			return err
		})
		if r.err == nil {
			r.snap, r.err = decodeSnapshot(r.aggregateID, vals)
		}
		return
	}
	cmds := make([]*redis.SliceCmd, len(batch))
	err := s.retrying(ctx, func(ctx context.Context) error {
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, r := range batch {
				cmds[i] = p.HMGet(ctx, s.keys.snapshot(r.aggregateID), snapshotFields...)
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
		r.snap, r.err = decodeSnapshot(r.aggregateID, cmds[i].Val())
	}
}

// decodeSnapshot turns HMGET's answer into a snapshot: no version means no hash, i.e.
// an aggregate that never had an event.
func decodeSnapshot(aggregateID string, vals []any) (events.Snapshot, error) {
	if len(vals) != len(snapshotFields) {
		return events.Snapshot{}, fmt.Errorf("%d fields answered, want %d", len(vals), len(snapshotFields))
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
