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

// MappedLog is implemented by stores that read their file through a memory map
// (boltstore). A replay reads the whole log once, which leaves every page of it counted
// in the process's RSS; after each replay the Replayer asks the store to drop them
// (they stay in the page cache, and what is read again faults back in).
type MappedLog interface {
	ReleaseMappedPages() error
}
