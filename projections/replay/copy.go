package replay

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections"
)

// actionWriter is what a replay needs of elastic.Writer: write actions to the index
// being built and wait for them.
type actionWriter interface {
	Write(ctx context.Context, actions ...projections.Action) error
}

// copier projects log partitions into one index.
type copier struct {
	log      Log
	writer   actionWriter
	pageSize int
	readers  int
	prog     *progress
	// eachEvent projects every event on its own instead of merging each plan's
	// events within a page (see mergeRuns).
	eachEvent bool
}

// page is one ReadLog call turned into actions.
type page struct {
	actions []projections.Action
	events  int64
	plans   int64
	last    string // position of the page's last entry
}

// copyAll reads every partition from after[p] (exclusive; "" = the beginning) to its
// current end, at most c.readers partitions at once, and returns where each ended.
// countDone reports finished partitions in the job's progress.
func (c *copier) copyAll(ctx context.Context, after []string, countDone bool) ([]string, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ends := make([]string, len(after))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(c.readers, len(after)) {
		wg.Go(func() {
			for partition := range next {
				end, err := c.copyPartition(ctx, partition, after[partition])
				ends[partition] = end
				if err != nil {
					cancel(err)
					return
				}
				if countDone {
					c.prog.partitionsDone.Add(1)
				}
			}
		})
	}
feed:
	for p := range after {
		select {
		case next <- p:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return ends, err
	}
	return ends, nil
}

// copyPartition reads one partition in commit order and writes page after page,
// waiting for each page's writes before sending the next: the events of a plan thus
// reach the index in version order. Reading and decoding the next page overlaps the
// current page's bulk request.
func (c *copier) copyPartition(ctx context.Context, partition int, after string) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan page, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(pages)
		readErr <- c.readPartition(ctx, partition, after, pages)
	}()
	last := after
	for p := range pages {
		if err := c.writer.Write(ctx, p.actions...); err != nil {
			cancel()
			for range pages {
				// Let the reader see the cancellation and end.
			}
			err = fmt.Errorf("replay: partition %d after position %q: %w", partition, last, err)
			if rerr := <-readErr; rerr != nil && !errors.Is(rerr, context.Canceled) {
				err = errors.Join(err, rerr)
			}
			return last, err
		}
		last = p.last
		c.prog.events.Add(p.events)
		c.prog.docs.Add(int64(len(p.actions)))
		c.prog.plans.Add(p.plans)
	}
	return last, <-readErr
}

// readPartition sends the partition's pages until the log has no more entries.
func (c *copier) readPartition(ctx context.Context, partition int, after string, out chan<- page) error {
	for {
		entries, err := c.log.ReadLog(ctx, partition, after, c.pageSize)
		if err != nil {
			return fmt.Errorf("replay: read partition %d after %q: %w", partition, after, err)
		}
		if len(entries) == 0 {
			return nil
		}
		p, err := project(entries, c.eachEvent)
		if err != nil {
			return fmt.Errorf("replay: partition %d: %w", partition, err)
		}
		select {
		case out <- p:
		case <-ctx.Done():
			return ctx.Err()
		}
		after = p.last
	}
}

// project turns a page of entries into actions: each plan's events merged into one
// (mergeRuns, unless every event is to be projected on its own), run through the live
// projector's code. That is JSON work that grows with the plans' size, so the page is
// split over the cores; the pieces are joined back in log order.
func project(entries []events.LogEntry, eachEvent bool) (page, error) {
	p := page{events: int64(len(entries)), last: entries[len(entries)-1].Position}
	for _, entry := range entries {
		if entry.Event.Version == 1 && isPlan(entry.Event) {
			p.plans++
		}
	}
	if !eachEvent {
		merged, err := mergeRuns(entries)
		if err != nil {
			return page{}, err
		}
		entries = merged
	}
	chunks := min(runtime.GOMAXPROCS(0), max(1, len(entries)/minChunk))
	pieces := make([][]projections.Action, chunks)
	errs := make([]error, chunks)
	var wg sync.WaitGroup
	for c := range chunks {
		lo, hi := c*len(entries)/chunks, (c+1)*len(entries)/chunks
		wg.Go(func() { pieces[c], errs[c] = actionsOf(entries[lo:hi]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return page{}, err
	}
	for _, piece := range pieces {
		p.actions = append(p.actions, piece...)
	}
	return p, nil
}

// minChunk is the fewest entries worth a goroutine of their own.
const minChunk = 64

func actionsOf(entries []events.LogEntry) ([]projections.Action, error) {
	out := make([]projections.Action, 0, len(entries)*8)
	for _, entry := range entries {
		actions, err := projections.Actions(entry.Event)
		if err != nil {
			return nil, fmt.Errorf("position %s: %w", entry.Position, err)
		}
		out = append(out, actions...)
	}
	return out, nil
}

func isPlan(e events.Envelope) bool {
	return e.AggregateType == "" || e.AggregateType == events.AggregateTypePlan
}
