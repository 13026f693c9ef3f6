package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/events"
)

// The outbox is the log itself, read through one consumer group per partition stream:
// the group's last-delivered id is the relay's cursor, its pending entries list (PEL)
// holds what was handed out and not acked, XACK marks an entry relayed. Nothing is
// written twice and nothing is trimmed, since the log is also the replay source.
//
// ReadOutbox hands out, in this order:
//  1. after a restart, the entries this consumer (same name) was handed and never acked:
//     its PEL, read once per store;
//  2. entries idle longer than WithClaimIdle in any consumer's PEL, via XAUTOCLAIM:
//     a relay that died under another name, or a publish this relay gave up on;
//  3. new entries (XREADGROUP >).
//
// Within a partition entries come in stream order, which is commit order.

// consumerState is what one store remembers of a consumer: how far it has re-read its
// own pending entries, per partition ("" once done).
type consumerState struct {
	pendingFrom []string
	recovering  int
	watch       partitionWatch // which partitions readNew must look at (outbox_partitions.go)
}

func (s *Store) createGroups(ctx context.Context) error {
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.StatusCmd, s.keys.partitions)
	for p := range s.keys.partitions {
		// From the start ("0"): a group created late must still relay every event.
		cmds[p] = pipe.XGroupCreateMkStream(ctx, s.keys.log(p), s.opts.group, "0")
	}
	_, _ = pipe.Exec(ctx)
	for p, cmd := range cmds {
		if err := cmd.Err(); err != nil && !redis.HasErrorPrefix(err, "BUSYGROUP") {
			return fmt.Errorf("redisstore: create consumer group on log %d: %w", p, err)
		}
	}
	return nil
}

// ReadOutbox hands out up to max committed events not acknowledged yet, blocking up to
// wait while there are none; an append wakes it at once. consumer names the reader, so a
// restarted relay gets back what it held.
func (s *Store) ReadOutbox(ctx context.Context, consumer string, max int, wait time.Duration) ([]events.LogEntry, error) {
	if max <= 0 {
		return nil, fmt.Errorf("redisstore: read outbox: max %d is not positive", max)
	}
	if consumer == "" {
		return nil, errors.New("redisstore: read outbox: consumer name is empty")
	}
	n, err := s.notifier(ctx)
	if err != nil {
		return nil, fmt.Errorf("redisstore: read outbox: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		changed := n.changed()
		entries, err := s.takeOutbox(ctx, n, consumer, max)
		if err != nil || len(entries) > 0 {
			s.reloadOn(ctx, err) // the relay retries; let it find a promoted master
			return entries, err
		}
		woke, err := events.AwaitChange(ctx, deadline, changed, s.stop, ErrClosed)
		if err != nil {
			return nil, fmt.Errorf("redisstore: read outbox: %w", err)
		}
		if !woke {
			return nil, nil
		}
		s.linger(ctx)
	}
}

// outboxLinger is how long a reader woken by a commit waits before it reads, so that the
// commits of the next moments come in the same pass: under load a relay otherwise reads
// one entry per round trip (one pipeline of XREADGROUPs per commit). It adds at most
// this much to the time from commit to relay, against a budget of a second.
const outboxLinger = 2 * time.Millisecond

// linger waits outboxLinger, or less if ctx ends or the store closes (the next pass
// reports that).
func (s *Store) linger(ctx context.Context) {
	t := time.NewTimer(outboxLinger)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-s.stop:
	}
}

func (s *Store) notifier(ctx context.Context) (*notifier, error) {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if s.notify == nil {
		n, err := subscribe(ctx, s.rdb, s.keys.notifyChannel(), s.keys.partitions)
		if err != nil {
			return nil, err
		}
		s.notify = n
	}
	return s.notify, nil
}

// partMessage is a stream entry and the partition it came from.
type partMessage struct {
	partition int
	msg       redis.XMessage
}

// takeOutbox does one non-blocking pass of the three sources, within max entries.
// Outbox reads of one store are serialised: they share cursors.
func (s *Store) takeOutbox(ctx context.Context, n *notifier, consumer string, max int) ([]events.LogEntry, error) {
	s.outboxMu.Lock()
	defer s.outboxMu.Unlock()
	st := s.consumer(consumer)

	var got []partMessage
	if st.recovering > 0 {
		msgs, err := s.readOwnPending(ctx, consumer, st, max)
		if err != nil {
			return nil, err
		}
		got = append(got, msgs...)
	}
	if len(got) < max && !time.Now().Before(s.claimDue) {
		msgs, err := s.claimIdle(ctx, consumer, max-len(got))
		if err != nil {
			return nil, err
		}
		got = append(got, msgs...)
	}
	if len(got) < max {
		msgs, err := s.readNew(ctx, consumer, st, n, max-len(got))
		if err != nil {
			return nil, err
		}
		got = append(got, msgs...)
	}
	return s.outboxEntries(got)
}

func (s *Store) consumer(name string) *consumerState {
	st, ok := s.consumers[name]
	if !ok {
		st = &consumerState{pendingFrom: make([]string, s.keys.partitions), recovering: s.keys.partitions}
		for p := range st.pendingFrom {
			st.pendingFrom[p] = "0"
		}
		s.consumers[name] = st
	}
	return st
}

// readOwnPending re-reads entries handed to this consumer before (by an earlier process)
// and never acked. Reading history changes nothing on the server, so reading more than
// fits is harmless: the cursor only moves past what is returned.
func (s *Store) readOwnPending(ctx context.Context, consumer string, st *consumerState, budget int) ([]partMessage, error) {
	pipe := s.rdb.Pipeline()
	cmds := map[int]*redis.XStreamSliceCmd{}
	for p, from := range st.pendingFrom {
		if from == "" {
			continue
		}
		cmds[p] = pipe.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: s.opts.group, Consumer: consumer, Streams: []string{s.keys.log(p), from},
			Count: int64(budget), Block: -1,
		})
	}
	_, _ = pipe.Exec(ctx)
	var out []partMessage
	for p := range s.keys.partitions {
		cmd, ok := cmds[p]
		if !ok {
			continue
		}
		msgs, err := streamMessages(cmd)
		if err != nil {
			return nil, fmt.Errorf("redisstore: read pending outbox entries of log %d: %w", p, err)
		}
		if len(msgs) == 0 {
			st.pendingFrom[p] = ""
			st.recovering--
			continue
		}
		take := min(len(msgs), budget-len(out))
		for _, m := range msgs[:take] {
			out = append(out, partMessage{p, m})
		}
		if take > 0 {
			st.pendingFrom[p] = msgs[take-1].ID
		}
	}
	return out, nil
}

// claimIdle moves entries idle too long in any consumer's PEL to this one. It runs at
// most every half claim-idle period: entries cannot become idle faster than that.
func (s *Store) claimIdle(ctx context.Context, consumer string, budget int) ([]partMessage, error) {
	var out []partMessage
	for p := range s.keys.partitions {
		if len(out) >= budget {
			return out, nil // the rest on the next pass, which is due at once
		}
		start := s.claimFrom[p]
		if start == "" {
			start = "0-0"
		}
		msgs, next, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: s.keys.log(p), Group: s.opts.group, Consumer: consumer,
			MinIdle: s.opts.claimIdle, Start: start, Count: int64(budget - len(out)),
		}).Result()
		if err != nil && !isNil(err) {
			return nil, fmt.Errorf("redisstore: claim idle outbox entries of log %d: %w", p, err)
		}
		s.claimFrom[p] = next
		for _, m := range msgs {
			out = append(out, partMessage{p, m})
		}
	}
	s.claimDue = time.Now().Add(s.opts.claimIdle / 2)
	return out, nil
}

// readNew reads undelivered entries. Delivering moves the group's cursor, so it must not
// read more than it returns: it asks each partition for a share of the budget, and asks
// again those that filled their share, until the budget or the entries run out.
//
// It looks only at the partitions that may hold new entries (partitionWatch): the ones
// notified since the last pass, the ones that filled their share, all of them now and
// then.
func (s *Store) readNew(ctx context.Context, consumer string, st *consumerState, n *notifier, budget int) (out []partMessage, err error) {
	counts := n.counts()
	candidates := st.watch.toRead(counts, time.Now())
	queue := make([]int, 0, len(candidates))
	for i := range s.keys.partitions {
		if p := (s.rotate + i) % s.keys.partitions; candidates[p] {
			queue = append(queue, p)
		}
	}
	s.rotate++                              // with a small budget, start elsewhere next time
	full := make([]bool, s.keys.partitions) // partitions that filled their share: may hold more
	defer func() {
		if err != nil {
			st.watch.forget() // what was read is unsure: look at every partition next time
			return
		}
		for _, p := range queue { // left unread for want of budget
			full[p] = true
		}
		st.watch.done(counts, full, time.Now())
	}()

	for remaining := budget; remaining > 0 && len(queue) > 0; {
		round := queue[:min(len(queue), remaining)]
		queue = queue[len(round):]
		share := remaining / len(round)
		pipe := s.rdb.Pipeline()
		cmds := make([]*redis.XStreamSliceCmd, len(round))
		for i, p := range round {
			cmds[i] = pipe.XReadGroup(ctx, &redis.XReadGroupArgs{
				Group: s.opts.group, Consumer: consumer, Streams: []string{s.keys.log(p), ">"},
				Count: int64(share), Block: -1,
			})
		}
		_, _ = pipe.Exec(ctx)
		for i, p := range round {
			msgs, err := streamMessages(cmds[i])
			if err != nil {
				return out, fmt.Errorf("redisstore: read outbox of log %d: %w", p, err)
			}
			for _, m := range msgs {
				out = append(out, partMessage{p, m})
			}
			remaining -= len(msgs)
			if len(msgs) == share {
				queue = append(queue, p) // it may hold more
				full[p] = true
			} else {
				full[p] = false
			}
		}
	}
	return out, nil
}

func streamMessages(cmd *redis.XStreamSliceCmd) ([]redis.XMessage, error) {
	streams, err := cmd.Result()
	if isNil(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []redis.XMessage
	for _, st := range streams {
		out = append(out, st.Messages...)
	}
	return out, nil
}

// outboxEntries decodes, drops duplicates (an entry re-read and re-claimed in one pass)
// and sorts by partition and stream id.
func (s *Store) outboxEntries(msgs []partMessage) ([]events.LogEntry, error) {
	slices.SortFunc(msgs, func(a, b partMessage) int {
		if a.partition != b.partition {
			return a.partition - b.partition
		}
		return compareStreamIDs(a.msg.ID, b.msg.ID)
	})
	msgs = slices.CompactFunc(msgs, func(a, b partMessage) bool {
		return a.partition == b.partition && a.msg.ID == b.msg.ID
	})
	var out []events.LogEntry
	for _, m := range msgs {
		if m.msg.Values == nil {
			continue // deleted from the stream: nothing to relay
		}
		entries, err := s.logEntries(m.partition, []redis.XMessage{m.msg})
		if err != nil {
			return nil, err
		}
		out = append(out, entries...)
	}
	return out, nil
}

// compareStreamIDs orders "ms-seq" stream ids numerically.
func compareStreamIDs(a, b string) int {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	an, _ := strconv.ParseUint(am, 10, 64)
	bn, _ := strconv.ParseUint(bm, 10, 64)
	if an != bn {
		if an < bn {
			return -1
		}
		return 1
	}
	asq, _ := strconv.ParseUint(as, 10, 64)
	bsq, _ := strconv.ParseUint(bs, 10, 64)
	switch {
	case asq < bsq:
		return -1
	case asq > bsq:
		return 1
	}
	return 0
}

// AckOutbox marks entries as relayed (XACK). Acking twice, or an entry another
// consumer holds, is harmless.
func (s *Store) AckOutbox(ctx context.Context, entries ...events.LogEntry) error {
	ids := map[int][]string{}
	for _, e := range entries {
		if err := s.checkPartition(e.Partition); err != nil {
			return fmt.Errorf("redisstore: ack: %w", err)
		}
		if e.Position == "" {
			return errors.New("redisstore: ack: entry without position")
		}
		ids[e.Partition] = append(ids[e.Partition], e.Position)
	}
	if len(ids) == 0 {
		return nil
	}
	pipe := s.rdb.Pipeline()
	for p, group := range ids {
		pipe.XAck(ctx, s.keys.log(p), s.opts.group, group...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		s.reloadOn(ctx, err)
		return fmt.Errorf("redisstore: ack: %w", err)
	}
	return nil
}
