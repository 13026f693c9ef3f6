package messaging

import (
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// consume is the innermost handler of a consumer: decode, skip duplicates, Handle,
// record success. One per consumer, so its deduplicator and claims are shared by all the
// consumer's subscriptions.
func (r *Router) consume(c Consumer, logger *slog.Logger) message.NoPublishHandlerFunc {
	m := r.metrics
	consumed := m.consumed.WithLabelValues(c.Name)
	duplicates := m.duplicates.WithLabelValues(c.Name)
	lag := m.lag.WithLabelValues(c.Name)
	lastLag := m.lastLag.WithLabelValues(c.Name)
	dedup := r.cfg.NewDeduplicator(c.Name)
	inHand := newClaims()
	codec := r.cfg.Codec
	var busy atomic.Int64 // events in hand, across the consumer's subscriptions
	return func(msg *message.Message) error {
		busy.Add(1)
		defer func() {
			// Nothing in hand means nothing waits here (prefetch would have handed more):
			// the last lag then reads 0 instead of the lag of the last event handled.
			if busy.Add(-1) == 0 {
				lastLag.Set(0)
			}
		}()
		e, err := DecodeEventMessage(codec, msg)
		if err != nil {
			return Permanent(err)
		}
		ctx := WithCorrelationID(msg.Context(), e.CorrelationID)
		ctx = withLogPosition(ctx, msg.Metadata.Get(MetadataLogPosition))
		key := DedupKey(e)
		release, err := inHand.acquire(ctx, key)
		if err != nil {
			return fmt.Errorf("consumer %s: waiting for another copy of event %s: %w", c.Name, e.ID, err)
		}
		defer release()
		seen, err := dedup.Seen(ctx, key)
		if err != nil {
			return fmt.Errorf("consumer %s: dedup lookup of %s: %w", c.Name, e.ID, err)
		}
		if seen {
			duplicates.Inc()
			logger.DebugContext(ctx, "duplicate event skipped", envelopeAttrs(e)...)
			return nil
		}
		if err := c.Handle(ctx, e); err != nil {
			return fmt.Errorf("consumer %s: %s v%d of %s (event %s): %w", c.Name, e.Type, e.Version, e.AggregateID, e.ID, err)
		}
		if err := dedup.Mark(ctx, key); err != nil {
			// Handled already; a missed mark only costs a redundant (idempotent) rerun.
			logger.WarnContext(ctx, "dedup mark failed", append(envelopeAttrs(e), "error", err)...)
		}
		consumed.Inc()
		var behind time.Duration
		if !e.OccurredAt.IsZero() {
			// Clocks of different hosts disagree a little; a negative lag means none.
			behind = max(time.Since(e.OccurredAt), 0)
			lag.Observe(behind.Seconds())
			lastLag.Set(behind.Seconds())
		}
		if logger.Enabled(ctx, slog.LevelDebug) {
			logger.DebugContext(ctx, "event handled", append(envelopeAttrs(e), "lag", behind)...)
		}
		return nil
	}
}
