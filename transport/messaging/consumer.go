package messaging

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/planstore/planstore/events"
)

// Consumer is one reader of the event stream with its own queue, QueueName(Name).
//
// Handle must be idempotent: delivery is at least once, and although the router skips
// events it has already handled (Deduplicator), that filter forgets on restart. Guard
// writes by the aggregate version (a projection ignores a version it has already
// applied) or key them by event id. With Concurrency 1, events of one plan arrive in
// version order, but an event that was dead-lettered leaves a gap.
//
// A returned error is retried in process (RetryPolicy), then the event is moved to
// DeadLetterQueueName(Name) and the queue moves on. Wrap an error with Permanent to skip
// the retries. A panic counts as an error. Handle's context carries the event's
// correlation id (CorrelationIDFrom).
type Consumer struct {
	Name   string
	Handle func(ctx context.Context, e events.Envelope) error
	// Concurrency is how many events the consumer handles at once on RabbitMQ (default 1,
	// at most MaxConcurrency): its one AMQP consumer hands out that many messages before
	// the first is settled, within amqp.Config.Prefetch. Per-plan order is then lost: two
	// versions of a plan may be handled at the same time, and a later one may finish
	// first (also while an earlier one is being retried). Set it above 1 only for a
	// Handle that is order-safe: the projector is (Elasticsearch external versioning by
	// aggregate version drops an older version that arrives late). Deduplication holds
	// for the messages in hand. The embedded bus ignores it: there every consumer
	// handles up to inproc.Config.Shards events at once, in per-plan order.
	Concurrency int
}

// AddConsumer subscribes c to its queue on bus with the middleware stack, outermost
// first: hand over to a warm worker (warmStacks), detach from shutdown, settle failures
// (log once and nack), PoisonQueue, Retry, failure count, Recoverer, attempt timeout;
// then decode, deduplicate, Handle. Call before Run.
func (r *Router) AddConsumer(bus Bus, c Consumer) error {
	if err := ValidateConsumerName(c.Name); err != nil {
		return err
	}
	if c.Handle == nil {
		return fmt.Errorf("messaging: consumer %s has no Handle", c.Name)
	}
	if c.Concurrency == 0 {
		c.Concurrency = 1
	}
	if err := ValidateConcurrency(c.Name, c.Concurrency); err != nil {
		return err
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

	sub, err := bus.ConsumerSubscriber(c.Name, c.Concurrency)
	if err != nil {
		return err
	}
	deadLetters, err := bus.DeadLetterPublisher(c.Name)
	if err != nil {
		return err
	}
	logger := r.logger.With("consumer", c.Name)
	m := r.metrics
	poison, err := middleware.PoisonQueueWithFilter(
		deadLetterRecorder{next: deadLetters, logger: logger, count: m.deadLettered.WithLabelValues(c.Name)},
		DeadLetterQueueName(c.Name),
		// Only a real failure dead-letters; an aborted attempt is settled by redelivery.
		func(err error) bool { return !errors.Is(err, context.Canceled) },
	)
	if err != nil {
		return fmt.Errorf("messaging: poison queue of %s: %w", c.Name, err)
	}

	warm := &warmStacks{}
	r.mu.Lock()
	r.warm = append(r.warm, warm)
	r.mu.Unlock()
	h := r.wm.AddConsumerHandler(c.Name, QueueName(c.Name), sub, r.consume(c, logger))
	h.AddMiddleware(
		warm.middleware,
		detachFromShutdown,
		SettleFailures(logger, slog.LevelError, "event not handled and not dead-lettered; it will be redelivered"),
		poison,
		r.cfg.Retry.middleware(logger),
		countFailures(m.failed.WithLabelValues(c.Name).Inc),
		middleware.Recoverer,
		attemptTimeout(r.cfg.AttemptTimeout),
	)
	r.AddCheck(ConsumerCheckName(c.Name), func() error {
		if a, ok := sub.(attachable); ok {
			if err := a.Attachment(); err != nil {
				return fmt.Errorf("not attached to its queue: %w", err)
			}
		}
		return nil
	})
	r.WatchQueueDepth(bus, c.Name)
	return nil
}

// ConsumerCheckName is the consumer's entry in Router.Readiness.
func ConsumerCheckName(consumer string) string { return "consumer " + consumer }
