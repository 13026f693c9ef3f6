package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/planstore/planstore/events"
)

// Load returns the aggregate's latest snapshot: events.ErrNotFound if it never had an
// event, Deleted (with the last version) if its last event deleted it.
func (s *Store) Load(ctx context.Context, aggregateID string) (events.Snapshot, error) {
	return s.readSnapshot(ctx, aggregateID)
}

// Events returns every event of the aggregate in version order, upcast by the codec.
func (s *Store) Events(ctx context.Context, aggregateID string) ([]events.Envelope, error) {
	var raw []string
	err := s.retrying(ctx, func(ctx context.Context) (err error) {
		raw, err = s.rdb.LRange(ctx, s.keys.events(aggregateID), 0, -1).Result()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("redisstore: events of %q: %w", aggregateID, err)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("redisstore: events of %q: %w", aggregateID, events.ErrNotFound)
	}
	out := make([]events.Envelope, len(raw))
	for i, b := range raw {
		if out[i], err = s.codec.Decode([]byte(b)); err != nil {
			return nil, fmt.Errorf("redisstore: events of %q: %w", aggregateID, err)
		}
	}
	return out, nil
}

// ReadLog returns up to limit entries of one partition of the global log strictly after
// position after ("" = from the start), in commit order. Positions are stream ids.
func (s *Store) ReadLog(ctx context.Context, partition int, after string, limit int) ([]events.LogEntry, error) {
	if err := s.checkPartition(partition); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, fmt.Errorf("redisstore: read log: limit %d is not positive", limit)
	}
	start := "-"
	if after != "" {
		start = "(" + after
	}
	msgs, err := s.rdb.XRangeN(ctx, s.keys.log(partition), start, "+", int64(limit)).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: read log %d after %q: %w", partition, after, err)
	}
	return s.logEntries(partition, msgs)
}

func (s *Store) checkPartition(partition int) error {
	if partition < 0 || partition >= s.keys.partitions {
		return fmt.Errorf("redisstore: partition %d does not exist (the log has %d)", partition, s.keys.partitions)
	}
	return nil
}

func (s *Store) logEntries(partition int, msgs []redis.XMessage) ([]events.LogEntry, error) {
	out := make([]events.LogEntry, 0, len(msgs))
	for _, m := range msgs {
		raw, ok := m.Values["e"].(string)
		if !ok {
			return nil, fmt.Errorf("redisstore: log %d entry %s has no event", partition, m.ID)
		}
		e, encoded, err := s.codec.DecodeStored([]byte(raw)) // a copy of go-redis's string, kept
		if err != nil {
			return nil, fmt.Errorf("redisstore: log %d entry %s: %w", partition, m.ID, err)
		}
		out = append(out, events.LogEntry{Partition: partition, Position: m.ID, Event: e, Encoded: encoded})
	}
	return out, nil
}

// isNil: a read that found nothing (go-redis reports an empty reply as redis.Nil).
func isNil(err error) bool { return errors.Is(err, redis.Nil) }
