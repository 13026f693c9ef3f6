package queries

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/feed"
)

// FeedTail says where the global feed ends right now, for followers that start "from
// now" (gRPC Subscribe's from_now): the cursor it returns is one the feed accepts, and
// following from it yields exactly the events committed afterwards.
type FeedTail struct {
	log  events.GlobalLog
	tail events.LogTail
}

// NewFeedTail needs a store that can tell where its log ends.
func NewFeedTail(log events.GlobalLog) (*FeedTail, error) {
	tail, ok := log.(events.LogTail)
	if log == nil || !ok {
		return nil, errors.New("queries: the event store cannot tell where its log ends")
	}
	return &FeedTail{log: log, tail: tail}, nil
}

// End returns the cursor after the last committed event of every partition.
func (t *FeedTail) End(ctx context.Context) (string, error) {
	n := t.log.Partitions()
	parts := make([]string, n)
	for p := range parts {
		end, err := t.tail.LogEnd(ctx, p)
		if err != nil {
			return "", fmt.Errorf("end of the event feed: %w", err)
		}
		if end == "" && n > 1 {
			end = "0" // feed.ParseCursor's "nothing read yet" of a partitioned log
		}
		parts[p] = end
	}
	cursor, err := feed.ParseCursor(strings.Join(parts, "."), n)
	if err != nil {
		return "", fmt.Errorf("end of the event feed: %w", err)
	}
	return cursor.String(), nil // the feed's own form, as reading through would end
}
