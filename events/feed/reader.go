package feed

import (
	"context"
	"fmt"

	"github.com/planstore/planstore/events"
)

// Item is one event of the feed and the cursor that resumes right after it.
type Item struct {
	Event  events.Envelope
	Cursor Cursor
}

// Page is what one read of the feed found. Next resumes after everything the read
// looked at, matching or not, so a filtered read that found nothing still advances.
type Page struct {
	Items []Item
	Next  Cursor
	// More: the log had more entries than the read looked at; read again from Next.
	More bool
}

// Filter keeps the events a reader wants; nil keeps all.
type Filter func(events.Envelope) bool

// Reader pages through a global log.
type Reader struct {
	log events.GlobalLog
}

// NewReader reads log.
func NewReader(log events.GlobalLog) *Reader { return &Reader{log: log} }

// Partitions is the width of this log's cursors.
func (r *Reader) Partitions() int { return r.log.Partitions() }

// Parse reads a cursor of this log.
func (r *Reader) Parse(s string) (Cursor, error) { return ParseCursor(s, r.log.Partitions()) }

// Read returns up to limit events after cursor that keep, looking at no more than scan
// entries of the log (scan >= limit), so a filter that matches rarely still answers
// quickly; Page.More says whether to read on.
func (r *Reader) Read(ctx context.Context, after Cursor, limit, scan int, keep Filter) (Page, error) {
	if after.Partitions() != r.log.Partitions() {
		return Page{}, fmt.Errorf("feed: cursor of %d partitions for a log of %d", after.Partitions(), r.log.Partitions())
	}
	if limit <= 0 {
		return Page{}, fmt.Errorf("feed: limit %d is not positive", limit)
	}
	if scan < limit {
		scan = limit
	}
	chunk := min(limit, scan)
	heads, err := r.heads(ctx, after, chunk)
	if err != nil {
		return Page{}, err
	}
	page := Page{Next: after}
	for looked := 0; looked < scan && len(page.Items) < limit; looked++ {
		p := earliest(heads)
		if p < 0 {
			break
		}
		h := heads[p]
		entry := h.entries[0]
		h.entries = h.entries[1:]
		page.Next = page.Next.with(p, entry.Position)
		if keep == nil || keep(entry.Event) {
			page.Items = append(page.Items, Item{Event: entry.Event, Cursor: page.Next})
		}
		// A partition whose chunk ran out but may have more is read on before the
		// merge goes on: its next entry could come before the other heads.
		if len(h.entries) == 0 && h.full {
			if err := r.refill(ctx, h, p, page.Next, chunk); err != nil {
				return Page{}, err
			}
		}
	}
	for _, h := range heads {
		if len(h.entries) > 0 || h.full {
			page.More = true
		}
	}
	return page, nil
}

func (r *Reader) refill(ctx context.Context, h *head, partition int, after Cursor, chunk int) error {
	entries, err := r.log.ReadLog(ctx, partition, after.Position(partition), chunk)
	if err != nil {
		return fmt.Errorf("feed: read partition %d: %w", partition, err)
	}
	h.entries, h.full = entries, len(entries) == chunk
	return nil
}

// head is the unread part of one partition's chunk.
type head struct {
	entries []events.LogEntry
	full    bool // the chunk was as long as asked for: the partition may have more
}

func (r *Reader) heads(ctx context.Context, after Cursor, chunk int) ([]*head, error) {
	heads := make([]*head, after.Partitions())
	for p := range heads {
		entries, err := r.log.ReadLog(ctx, p, after.Position(p), chunk)
		if err != nil {
			return nil, fmt.Errorf("feed: read partition %d: %w", p, err)
		}
		heads[p] = &head{entries: entries, full: len(entries) == chunk}
	}
	return heads, nil
}

// earliest is the partition whose next entry comes first, -1 when all are empty.
func earliest(heads []*head) int {
	best := -1
	var bestHi, bestLo uint64
	for p, h := range heads {
		if len(h.entries) == 0 {
			continue
		}
		hi, lo, _ := orderKey(h.entries[0].Position)
		if best < 0 || hi < bestHi || (hi == bestHi && lo < bestLo) {
			best, bestHi, bestLo = p, hi, lo
		}
	}
	return best
}
