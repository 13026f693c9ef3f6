package amqp

import (
	"context"
	"errors"
	"fmt"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/planstore/planstore/transport/messaging"
)

// retireTimeout bounds the questions about one retired consumer's queues at start.
const retireTimeout = 10 * time.Second

// retireConsumers deletes the queue and dead-letter queue of each consumer a deployment
// no longer has, once no AMQP consumer is attached to it: the exchange would otherwise
// copy every event into the queue for ever. A queue an older process still consumes is
// kept (and deleted by a later start); failing to delete it never stops this one.
func (b *Bus) retireConsumers(consumers []string) {
	for _, c := range consumers {
		for _, queue := range []string{messaging.QueueName(c), messaging.DeadLetterQueueName(c)} {
			ctx, cancel := context.WithTimeout(context.Background(), retireTimeout)
			b.retireQueue(ctx, c, queue)
			cancel()
		}
	}
}

func (b *Bus) retireQueue(ctx context.Context, consumer, queue string) {
	log := b.cfg.Logger.With("consumer", consumer, "queue", queue)
	deleted, err := b.monitor.deleteUnused(ctx, queue)
	var brokerErr *amqp091.Error
	switch {
	case errors.As(err, &brokerErr) && brokerErr.Code == amqp091.NotFound:
		// Never declared, or already deleted: nothing to do.
	case errors.Is(err, errQueueInUse):
		log.Warn("queue of a retired consumer kept: an older planstore still consumes it; "+
			"the next start after it is gone deletes it", "consumers", deleted.Consumers)
	case err != nil:
		log.Warn("queue of a retired consumer not deleted", "err", err)
	default:
		log.Info("queue of a retired consumer deleted", "messages", deleted.Messages)
	}
}

// errQueueInUse: a retired queue still has a consumer attached, so it is kept.
var errQueueInUse = errors.New("queue in use")

// deleteUnused deletes queue unless a consumer is attached, returning what it held. A
// missing queue answers the broker's NotFound, a consumed one errQueueInUse (with the
// queue's consumers). Each step has a channel of its own: a refusal closes it.
func (m *queueMonitor) deleteUnused(ctx context.Context, queue string) (amqp091.Queue, error) {
	q, err := m.inspect(ctx, queue)
	if err != nil {
		return q, err
	}
	if q.Consumers > 0 {
		return q, errQueueInUse
	}
	// ifUnused: a consumer attaching since the inspect keeps the queue. Quorum queues
	// refuse the condition (NotImplemented, RabbitMQ 3.x): for them the inspect above is
	// the check.
	n, err := m.deleteQueue(queue, true)
	var brokerErr *amqp091.Error
	if errors.As(err, &brokerErr) && brokerErr.Code == amqp091.NotImplemented {
		n, err = m.deleteQueue(queue, false)
	}
	if err != nil {
		return q, fmt.Errorf("messaging: delete queue %s: %w", queue, err)
	}
	q.Messages = n
	return q, nil
}

// deleteQueue deletes queue on a channel of its own (a refusal closes the channel),
// returning how many messages it held.
func (m *queueMonitor) deleteQueue(queue string, ifUnused bool) (int, error) {
	conn, err := m.connection()
	if err != nil {
		return 0, err
	}
	ch, err := conn.Channel()
	if err != nil {
		return 0, err
	}
	defer func() { _ = ch.Close() }() // after a refusal the broker has closed it already
	return ch.QueueDelete(queue, ifUnused, false, false)
}
