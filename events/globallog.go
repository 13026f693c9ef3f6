package events

import "context"

// GlobalLog is the event store's global log as a reader outside the write path sees it:
// partitions that each keep commit order (all events of one aggregate live in one
// partition). Both event stores implement it; package events/feed merges the
// partitions into one ordered feed with a stable, resumable cursor.
type GlobalLog interface {
	Partitions() int
	// ReadLog returns up to limit entries of one partition strictly after position
	// after ("" = from the start), in commit order.
	ReadLog(ctx context.Context, partition int, after string, limit int) ([]LogEntry, error)
}

// LogWatcher lets a follower of the global log wait for the next commit instead of
// polling: LogChanged returns a channel closed by the next commit that adds log
// entries. Take the channel before reading the log, so a commit in between is not
// missed. A notification can be lost (a reconnecting subscription on Redis), so a
// follower still re-reads now and then.
type LogWatcher interface {
	LogChanged(ctx context.Context) (<-chan struct{}, error)
}

// LogTail tells where each partition of the global log ends, so a follower can start
// "from now" without reading the whole log first.
type LogTail interface {
	// LogEnd returns the position of the last entry of the partition ("" when the
	// partition is empty): reading after it returns only later commits.
	LogEnd(ctx context.Context, partition int) (string, error)
}
