package messaging

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/planstore/planstore/events"
)

// Consumer is one reader of the event stream with its own queue, QueueName(Name).
//
// Handle must be idempotent: delivery is at least once, and although the router skips
// events it has already handled (Deduplicator), that filter forgets on restart. Guard
// writes by the aggregate version (a projection ignores a version it has already
// applied) or key them by event id. Events of one plan arrive in version order, but an
// event that was dead-lettered leaves a gap.
//
// A returned error is retried in process (RetryPolicy), then the event is moved to
// DeadLetterQueueName(Name) and the queue moves on. Wrap an error with Permanent to skip
// the retries. A panic counts as an error.
type Consumer struct {
	Name   string
	Handle func(ctx context.Context, e events.Envelope) error
}

// AddConsumer subscribes c to its queue on bus with the middleware stack, outermost
// first: detach from shutdown, PoisonQueue, Retry, failure count, Recoverer, attempt
// timeout; then decode, deduplicate, Handle. Call before Run.
func (r *Router) AddConsumer(bus Bus, c Consumer) error {
	if err := ValidateConsumerName(c.Name); err != nil {
		return err
	}
	if c.Handle == nil {
		return fmt.Errorf("messaging: consumer %s has no Handle", c.Name)
	}
	if r.cfg.Codec == nil {
		return errors.New("messaging: router has no Codec to decode events with")
	}
	r.mu.Lock()
	dup := r.consumers[c.Name]
	r.consumers[c.Name] = true
	r.mu.Unlock()
	if dup {
		return fmt.Errorf("messaging: consumer %s added twice", c.Name)
	}

	sub, err := bus.ConsumerSubscriber(c.Name)
	if err != nil {
		return err
	}
	deadLetters, err := bus.DeadLetterPublisher(c.Name)
	if err != nil {
		return err
	}
	m := r.metrics
	deadLettered := m.deadLettered.WithLabelValues(c.Name)
	poison, err := middleware.PoisonQueueWithFilter(
		countingPublisher{next: deadLetters, count: func(n int) { deadLettered.Add(float64(n)) }},
		DeadLetterQueueName(c.Name),
		// Only a real failure dead-letters; an aborted attempt is settled by redelivery.
		func(err error) bool { return !errors.Is(err, context.Canceled) },
	)
	if err != nil {
		return fmt.Errorf("messaging: poison queue of %s: %w", c.Name, err)
	}
	failed := m.failed.WithLabelValues(c.Name)

	h := r.wm.AddConsumerHandler(c.Name, QueueName(c.Name), sub, r.consume(c))
	h.AddMiddleware(
		detachFromShutdown,
		poison,
		r.cfg.Retry.middleware(newRetryLogger(r.logger, c.Name)).Middleware,
		countFailures(failed.Inc),
		middleware.Recoverer,
		attemptTimeout(r.cfg.AttemptTimeout),
	)
	r.AddCheck("consumer "+c.Name, func() error {
		if a, ok := sub.(attachable); ok && !a.Attached() {
			return errors.New("not attached to its queue")
		}
		return nil
	})
	return nil
}

// consume is the innermost handler: decode, skip duplicates, Handle, record success.
func (r *Router) consume(c Consumer) message.NoPublishHandlerFunc {
	m := r.metrics
	consumed := m.consumed.WithLabelValues(c.Name)
	duplicates := m.duplicates.WithLabelValues(c.Name)
	lag := m.lag.WithLabelValues(c.Name)
	dedup := r.cfg.NewDeduplicator(c.Name)
	codec := r.cfg.Codec
	return func(msg *message.Message) error {
		e, err := DecodeEventMessage(codec, msg)
		if err != nil {
			return Permanent(err)
		}
		ctx := msg.Context()
		key := DedupKey(e)
		seen, err := dedup.Seen(ctx, key)
		if err != nil {
			return fmt.Errorf("consumer %s: dedup lookup of %s: %w", c.Name, e.ID, err)
		}
		if seen {
			duplicates.Inc()
			return nil
		}
		if err := c.Handle(ctx, e); err != nil {
			return fmt.Errorf("consumer %s: %s v%d of %s (event %s): %w", c.Name, e.Type, e.Version, e.AggregateID, e.ID, err)
		}
		if err := dedup.Mark(ctx, key); err != nil {
			// Handled already; a missed mark only costs a redundant (idempotent) rerun.
			r.logger.Warn("dedup mark failed", "consumer", c.Name, "event_id", e.ID, "error", err)
		}
		consumed.Inc()
		if !e.OccurredAt.IsZero() {
			lag.Observe(time.Since(e.OccurredAt).Seconds())
		}
		return nil
	}
}
