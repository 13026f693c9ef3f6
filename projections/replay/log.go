package replay

import (
	"context"

	"github.com/planstore/planstore/events"
)

// Log is what a replay reads of an event store: the global log, split into partitions
// that each keep commit order. Both event stores implement it.
type Log interface {
	Partitions() int
	ReadLog(ctx context.Context, partition int, after string, limit int) ([]events.LogEntry, error)
}

// LogCounter is implemented by stores that can tell a partition's length cheaply (an
// XLEN, the last sequence number). A replay then knows its total and can show an ETA;
// without it the total is unknown and progress shows counts and rates only.
type LogCounter interface {
	LogLength(ctx context.Context, partition int) (int64, error)
}
