// Package feed merges the event store's partitioned global log into one ordered feed
// with a stable cursor: what GET /v1/events pages through, what the Server-Sent Events
// stream and the gRPC Subscribe stream follow, and where webhook delivery and
// `planstore replicate` keep their place.
//
// A cursor is one position per partition, so resuming from any cursor the feed handed
// out continues exactly after the event it was handed out with: no gap and no
// duplicate, whatever the interleaving of partitions was. Across partitions the feed is
// in commit order as far as the store can tell (bbolt: one sequence; Redis: stream ids,
// that is commit time); per aggregate it is always in version order.
package feed

import (
	"fmt"
	"strconv"
	"strings"
)

// Cursor is a place in the feed: for each partition, the position of the last entry
// consumed ("" = nothing yet). The zero Cursor of the right width is the start.
type Cursor struct {
	positions []string
}

// Start is the cursor before the first event of a log with the given partitions.
func Start(partitions int) Cursor { return Cursor{positions: make([]string, partitions)} }

// ParseCursor reads a cursor String produced for a log with the given partitions; ""
// is the start. A single-partition log's cursor is its position itself (a bbolt
// sequence number); a partitioned log's is the partitions' positions joined by dots,
// "0" for a partition not yet read, so cursors need no escaping in a URL or header.
func ParseCursor(s string, partitions int) (Cursor, error) {
	c := Start(partitions)
	if s == "" {
		return c, nil
	}
	parts := strings.Split(s, ".")
	if len(parts) != partitions {
		return Cursor{}, &CursorError{Cursor: s, Reason: fmt.Sprintf("has %d parts, the log has %d partitions", len(parts), partitions)}
	}
	for i, p := range parts {
		if p == "0" {
			continue
		}
		if _, _, ok := orderKey(p); !ok {
			return Cursor{}, &CursorError{Cursor: s, Reason: fmt.Sprintf("part %d (%q) is not a log position", i+1, p)}
		}
		c.positions[i] = p
	}
	return c, nil
}

// CursorError says a cursor is not one this feed hands out.
type CursorError struct {
	Cursor string
	Reason string
}

func (e *CursorError) Error() string { return fmt.Sprintf("feed cursor %q %s", e.Cursor, e.Reason) }

// String is the cursor's stable text form (see ParseCursor).
func (c Cursor) String() string {
	if len(c.positions) == 1 {
		return c.positions[0]
	}
	parts := make([]string, len(c.positions))
	for i, p := range c.positions {
		if p == "" {
			p = "0"
		}
		parts[i] = p
	}
	return strings.Join(parts, ".")
}

// Position is the last consumed position of one partition ("" = none).
func (c Cursor) Position(partition int) string { return c.positions[partition] }

// Partitions is the cursor's width.
func (c Cursor) Partitions() int { return len(c.positions) }

// with returns a copy of c that has consumed pos in partition.
func (c Cursor) with(partition int, pos string) Cursor {
	next := Cursor{positions: append([]string(nil), c.positions...)}
	next.positions[partition] = pos
	return next
}

// orderKey reads a position as the pair the stores write: "seq" (bbolt) or "ms-seq"
// (a Redis stream id). Positions of different partitions are merged by it.
func orderKey(pos string) (hi, lo uint64, ok bool) {
	a, b, two := strings.Cut(pos, "-")
	hi, err := strconv.ParseUint(a, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if two {
		if lo, err = strconv.ParseUint(b, 10, 64); err != nil {
			return 0, 0, false
		}
	}
	return hi, lo, true
}
