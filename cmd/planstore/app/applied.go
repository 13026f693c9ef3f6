package app

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/internal/periodic"
	"github.com/planstore/planstore/transport/messaging"
)

// appliedFlushInterval is how often the projector records in Redis how far it has
// applied the log; the query API's freshness check is this much behind at worst.
const appliedFlushInterval = 250 * time.Millisecond

// appliedRecorder is what the tracker needs of the Redis event store.
type appliedRecorder interface {
	StartApplied(ctx context.Context, consumer string) error
	RecordApplied(ctx context.Context, consumer string, positions map[int]string) error
}

// appliedTracker records how far a consumer has applied the log: the relay puts each
// event's log position on its message, the consumer notes it after handling the event,
// and the tracker writes the highest position per partition to Redis every
// appliedFlushInterval. A query API in another process compares it with the log to tell
// how stale its read model is, whether the relay or the projector is the one missing.
type appliedTracker struct {
	consumer string
	store    appliedRecorder
	log      *slog.Logger

	mu      sync.Mutex
	highest map[int]string // not yet written
	failing bool
}

func newAppliedTracker(consumer string, store appliedRecorder, log *slog.Logger) *appliedTracker {
	return &appliedTracker{consumer: consumer, store: store, log: log, highest: map[int]string{}}
}

// wrap notes the log position of every event handle applied.
func (t *appliedTracker) wrap(handle func(context.Context, events.Envelope) error) func(context.Context, events.Envelope) error {
	return func(ctx context.Context, e events.Envelope) error {
		if err := handle(ctx, e); err != nil {
			return err
		}
		if p, pos, ok := messaging.LogPositionFrom(ctx); ok {
			t.note(p, pos)
		}
		return nil
	}
}

func (t *appliedTracker) note(partition int, position string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if cur, ok := t.highest[partition]; !ok || positionLess(cur, position) {
		t.highest[partition] = position
	}
}

// run starts the record where the log ends now (for partitions never recorded), then
// flushes until ctx ends, and once more after.
func (t *appliedTracker) start(ctx context.Context) (stop func(), err error) {
	if err := t.store.StartApplied(ctx, t.consumer); err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		periodic.Every(runCtx, appliedFlushInterval, func() { t.flush(runCtx) })
		flushCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		t.flush(flushCtx)
	}()
	return func() { cancel(); <-done }, nil
}

func (t *appliedTracker) flush(ctx context.Context) {
	t.mu.Lock()
	batch := t.highest
	t.highest = map[int]string{}
	t.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	err := t.store.RecordApplied(ctx, t.consumer, batch)
	if err != nil {
		for p, pos := range batch { // keep them for the next flush
			t.note(p, pos)
		}
	}
	switch {
	case err != nil && !t.failing:
		t.log.Warn("cannot record how far the projector applied the log; the query API will report its read model stale", slog.Any("error", err))
		t.failing = true
	case err == nil && t.failing:
		t.log.Info("recording how far the projector applied the log again")
		t.failing = false
	}
}

// positionLess orders log positions "<ms>-<seq>" (stream ids).
func positionLess(a, b string) bool {
	am, as := splitPosition(a)
	bm, bs := splitPosition(b)
	if am != bm {
		return am < bm
	}
	return as < bs
}

func splitPosition(p string) (uint64, uint64) {
	ms, seq, _ := strings.Cut(p, "-")
	m, _ := strconv.ParseUint(ms, 10, 64)
	s, _ := strconv.ParseUint(seq, 10, 64)
	return m, s
}
