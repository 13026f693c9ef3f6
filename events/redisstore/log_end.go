package redisstore

import (
	"context"
	"fmt"
)

// LogEnd returns the stream id of the partition's last entry ("" for an empty stream),
// so a follower can start from now (events.LogTail).
func (s *Store) LogEnd(ctx context.Context, partition int) (string, error) {
	if err := s.checkPartition(partition); err != nil {
		return "", err
	}
	var end string
	err := s.retrying(ctx, func(ctx context.Context) error {
		msgs, err := s.rdb.XRevRangeN(ctx, s.keys.log(partition), "+", "-", 1).Result()
		if err != nil {
			return err
		}
		end = ""
		if len(msgs) > 0 {
			end = msgs[0].ID
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("redisstore: log end of %d: %w", partition, err)
	}
	return end, nil
}
