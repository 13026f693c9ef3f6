package amqp

import (
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill-amqp/v2/pkg/amqp"
	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/planstore/planstore/transport/messaging"
)

// QueueType is the RabbitMQ type of every planstore queue (consumer queues and their
// dead-letter queues).
type QueueType string

const (
	// QueueClassic keeps a queue on one node: fine for a single broker; in a cluster the
	// queue is unavailable while its node is down.
	QueueClassic QueueType = "classic"
	// QueueQuorum replicates a queue over the cluster's nodes with Raft: it stays
	// available while a majority of the nodes is up, and a confirmed message is on a
	// majority. The choice for a cluster.
	QueueQuorum QueueType = "quorum"
)

// ParseQueueType accepts "classic" (or "") and "quorum".
func ParseQueueType(s string) (QueueType, error) {
	switch QueueType(s) {
	case "", QueueClassic:
		return QueueClassic, nil
	case QueueQuorum:
		return QueueQuorum, nil
	}
	return "", fmt.Errorf("messaging: queue type %q: want classic or quorum", s)
}

// quorumDeliveryLimit is how often a quorum queue delivers one message before the broker
// dead-letters it. Planstore retries in process and dead-letters a failing event itself
// (RetryPolicy, PoisonQueue), so the broker sees a message again only when its consumer
// died or let go of it unsettled: this limit catches an event that takes its consumer
// down every time, which would otherwise come back forever. It is high because every
// failover and graceful restart also returns the messages in flight.
const quorumDeliveryLimit = 50

// queueTypeFor decides the queue type for a broker of nodes nodes. Empty picks the safe
// one: classic on a single node, quorum on a cluster. Classic queues on a cluster are
// refused: a classic queue lives on one node, and while that node is down the events
// exchange drops what it would route there, yet the publisher confirm still arrives, so
// the relay would count lost events as delivered (the fault harness saw exactly that).
func queueTypeFor(requested string, nodes int) (QueueType, error) {
	if requested == "" && nodes > 1 {
		return QueueQuorum, nil
	}
	t, err := ParseQueueType(requested)
	if err != nil {
		return "", err
	}
	if t == QueueClassic && nodes > 1 {
		return "", fmt.Errorf("messaging: classic queues on a cluster of %d RabbitMQ nodes would lose the events published "+
			"while a queue's node is down; use quorum queues (--amqp-queue-type quorum, the default with several nodes)", nodes)
	}
	return t, nil
}

// consumerQueueArguments are the x-arguments of a consumer's queue. Classic queues keep
// none (as planstore always declared them, so existing queues stay equivalent).
func consumerQueueArguments(t QueueType, consumer string) amqp091.Table {
	if t != QueueQuorum {
		return nil
	}
	return amqp091.Table{
		"x-queue-type":     string(QueueQuorum),
		"x-delivery-limit": quorumDeliveryLimit,
		// Over the limit, the broker moves the message to the consumer's dead-letter
		// queue through the default exchange, as the PoisonQueue middleware does. At
		// least once: the message leaves this queue only once the dead-letter queue has
		// confirmed it (which needs reject-publish overflow; the queue has no length
		// limit, so nothing is ever rejected for it).
		"x-dead-letter-exchange":    "",
		"x-dead-letter-routing-key": messaging.DeadLetterQueueName(consumer),
		"x-dead-letter-strategy":    "at-least-once",
		"x-overflow":                "reject-publish",
	}
}

// deadLetterQueueArguments are the x-arguments of a dead-letter queue: only its type.
func deadLetterQueueArguments(t QueueType) amqp091.Table {
	if t != QueueQuorum {
		return nil
	}
	return amqp091.Table{"x-queue-type": string(QueueQuorum)}
}

// withQueueType sets the declaration of config's queues for t. Quorum queues must be
// durable, non-exclusive and not auto-deleted, which planstore's queues always are.
func withQueueType(config amqp.Config, args amqp091.Table) amqp.Config {
	config.Queue.Durable = true
	config.Queue.Exclusive = false
	config.Queue.AutoDelete = false
	config.Queue.Arguments = args
	return config
}

// queueTypeMismatch turns the broker's refusal to redeclare a queue with other
// arguments (PRECONDITION_FAILED, which RabbitMQ answers when, e.g., a classic queue is
// declared as quorum) into an error that says what to do.
func queueTypeMismatch(err error, consumer, queue string, t QueueType) error {
	var amqpErr *amqp091.Error
	if !errors.As(err, &amqpErr) || amqpErr.Code != amqp091.PreconditionFailed {
		return err
	}
	return fmt.Errorf("queue %s exists with other arguments than planstore declares for --amqp-queue-type %s "+
		"(a queue keeps the type it was created with; RabbitMQ says: %w). Start with the --amqp-queue-type the "+
		"queues were created with, or change their type: stop the consumers, let the queues drain, delete them "+
		"(rabbitmqctl delete_queue %s; rabbitmqctl delete_queue %s) and start again; see README, RabbitMQ cluster",
		queue, t, amqpErr, messaging.QueueName(consumer), messaging.DeadLetterQueueName(consumer))
}
