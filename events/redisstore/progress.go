package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Views of the pipeline's progress, for metrics and readiness: how much of the
// outbox waits for a relay, and how far a consumer has applied the log. Positions are
// stream ids, "<unix ms>-<seq>", so a position also tells when its event was committed.

// Backlog is what waits in the outbox: committed events no relay has had confirmed.
type Backlog struct {
	Events int64
	// Oldest is when the oldest of them was committed (zero when none waits).
	Oldest time.Time
}

// OutboxBacklog counts the committed events the relay group has not acknowledged: those
// not yet handed out (the group's lag) and those handed out and not acked (its pending
// list), with the commit time of the oldest. Two round trips whatever the partitions.
func (s *Store) OutboxBacklog(ctx context.Context) (Backlog, error) {
	n := s.keys.partitions
	pipe := s.rdb.Pipeline()
	infos := make([]*redis.XInfoGroupsCmd, n)
	for p := range n {
		infos[p] = pipe.XInfoGroups(ctx, s.keys.log(p))
	}
	_, _ = pipe.Exec(ctx) // each command's error is looked at below
	for p, c := range infos {
		if err := c.Err(); err != nil && !strings.Contains(err.Error(), "no such key") {
			return Backlog{}, fmt.Errorf("redisstore: outbox backlog of log %d: %w", p, err)
		}
	}
	var b Backlog
	pipe = s.rdb.Pipeline()
	var pending []*redis.XPendingCmd
	var next []*redis.XMessageSliceCmd
	for p := range n {
		g, ok := s.group(infos[p].Val())
		if !ok {
			continue // no group yet: created when the first relay starts
		}
		if g.Pending > 0 {
			b.Events += g.Pending
			pending = append(pending, pipe.XPending(ctx, s.keys.log(p), s.opts.group))
		}
		if g.Lag != 0 {
			if g.Lag > 0 {
				b.Events += g.Lag
			}
			next = append(next, pipe.XRangeN(ctx, s.keys.log(p), "("+g.LastDeliveredID, "+", 1))
		}
	}
	if len(pending)+len(next) == 0 {
		return b, nil
	}
	if _, err := pipe.Exec(ctx); err != nil && !isNil(err) {
		return Backlog{}, fmt.Errorf("redisstore: outbox backlog: %w", err)
	}
	for _, c := range pending {
		b.Oldest = older(b.Oldest, c.Val().Lower)
	}
	for _, c := range next {
		if msgs := c.Val(); len(msgs) > 0 {
			b.Oldest = older(b.Oldest, msgs[0].ID)
		}
	}
	return b, nil
}

func (s *Store) group(groups []redis.XInfoGroup) (redis.XInfoGroup, bool) {
	for _, g := range groups {
		if g.Name == s.opts.group {
			return g, true
		}
	}
	return redis.XInfoGroup{}, false
}

// older returns the earlier of t and the commit time of position (t when position does
// not parse).
func older(t time.Time, position string) time.Time {
	at, ok := PositionTime(position)
	if !ok || (!t.IsZero() && !at.Before(t)) {
		return t
	}
	return at
}

// PositionTime is when the event at a log position was committed, to the millisecond.
func PositionTime(position string) (time.Time, bool) {
	ms, _, _ := strings.Cut(position, "-")
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(n), true
}

// recordAppliedScript raises each partition's applied position, never lowers it: events
// are applied concurrently and by several processes, so positions arrive out of order.
var recordAppliedScript = redis.NewScript(`
local function less(a, b)
  local am, as = string.match(a, "^(%d+)-(%d+)$")
  local bm, bs = string.match(b, "^(%d+)-(%d+)$")
  if not am or not bm then return false end
  am, bm = tonumber(am), tonumber(bm)
  if am ~= bm then return am < bm end
  return tonumber(as) < tonumber(bs)
end
for i = 1, #ARGV, 2 do
  local cur = redis.call("HGET", KEYS[1], ARGV[i])
  if not cur or less(cur, ARGV[i + 1]) then
    redis.call("HSET", KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
return 0
`)

// RecordApplied notes that consumer has applied the log up to these positions (by
// partition); positions older than the recorded ones are ignored.
func (s *Store) RecordApplied(ctx context.Context, consumer string, positions map[int]string) error {
	if len(positions) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(positions))
	for p, pos := range positions {
		if err := s.checkPartition(p); err != nil {
			return err
		}
		args = append(args, strconv.Itoa(p), pos)
	}
	if err := recordAppliedScript.Run(ctx, s.rdb, []string{s.keys.applied(consumer)}, args...).Err(); err != nil && !isNil(err) {
		return fmt.Errorf("redisstore: record applied positions of %s: %w", consumer, err)
	}
	return nil
}

// StartApplied marks every partition consumer has no position for as applied up to the
// log's current end: a consumer that starts tracking on an existing log cannot know what
// it applied before, and counting the whole history as unapplied would be false.
func (s *Store) StartApplied(ctx context.Context, consumer string) error {
	n := s.keys.partitions
	pipe := s.rdb.Pipeline()
	heads := make([]*redis.XMessageSliceCmd, n)
	for p := range n {
		heads[p] = pipe.XRevRangeN(ctx, s.keys.log(p), "+", "-", 1)
	}
	if _, err := pipe.Exec(ctx); err != nil && !isNil(err) {
		return fmt.Errorf("redisstore: log heads: %w", err)
	}
	pipe = s.rdb.Pipeline()
	for p, h := range heads {
		if msgs := h.Val(); len(msgs) > 0 {
			pipe.HSetNX(ctx, s.keys.applied(consumer), strconv.Itoa(p), msgs[0].ID)
		}
	}
	if _, err := pipe.Exec(ctx); err != nil && !isNil(err) {
		return fmt.Errorf("redisstore: start applied positions of %s: %w", consumer, err)
	}
	return nil
}

// Unapplied is the commit time of the oldest event consumer has not applied (zero when
// it has applied the whole log), by the positions it recorded.
func (s *Store) Unapplied(ctx context.Context, consumer string) (time.Time, error) {
	applied, err := s.rdb.HGetAll(ctx, s.keys.applied(consumer)).Result()
	if err != nil && !isNil(err) {
		return time.Time{}, fmt.Errorf("redisstore: applied positions of %s: %w", consumer, err)
	}
	pipe := s.rdb.Pipeline()
	next := make([]*redis.XMessageSliceCmd, s.keys.partitions)
	for p := range next {
		start := "-"
		if pos := applied[strconv.Itoa(p)]; pos != "" {
			start = "(" + pos
		}
		next[p] = pipe.XRangeN(ctx, s.keys.log(p), start, "+", 1)
	}
	if _, err := pipe.Exec(ctx); err != nil && !isNil(err) {
		return time.Time{}, fmt.Errorf("redisstore: unapplied events of %s: %w", consumer, err)
	}
	var oldest time.Time
	for _, c := range next {
		if msgs := c.Val(); len(msgs) > 0 {
			oldest = older(oldest, msgs[0].ID)
		}
	}
	return oldest, nil
}

// LogLength is how many events partition holds (XLEN): a replay sums it to know its
// total (planstore_replay_events_total, the ETA of its progress).
func (s *Store) LogLength(ctx context.Context, partition int) (int64, error) {
	if err := s.checkPartition(partition); err != nil {
		return 0, err
	}
	n, err := s.rdb.XLen(ctx, s.keys.log(partition)).Result()
	if err != nil && !isNil(err) {
		return 0, fmt.Errorf("redisstore: length of log %d: %w", partition, err)
	}
	return n, nil
}
