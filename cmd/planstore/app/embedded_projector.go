package app

import (
	"context"
	"fmt"

	"github.com/planstore/planstore/transport/messaging"
)

// queueConsumerCounter is what the check below needs of the RabbitMQ bus.
type queueConsumerCounter interface {
	QueueConsumers(ctx context.Context, consumer string) (int, error)
}

// soleEmbeddedProjector is a readiness check for a projector that feeds this process's
// embedded engine from RabbitMQ. Consumers of one queue share its messages, so a second
// such process (two query-api replicas, two serve) would leave each engine with part of
// the events, silently. The check sees the other process's consumers on the queue and
// makes /readyz say so.
func soleEmbeddedProjector(bus queueConsumerCounter) func(context.Context) error {
	return func(ctx context.Context) error {
		n, err := bus.QueueConsumers(ctx, consumerProjector)
		if err != nil {
			return err
		}
		// Every projecting process is one AMQP consumer on the queue, whatever its
		// concurrency.
		if n > 1 {
			return fmt.Errorf("queue %s has %d consumers and this process 1: another process also projects from it, "+
				"so this process's embedded read model misses the events it takes; run one process on the embedded "+
				"search engine per deployment, or give every projector --es-url",
				messaging.QueueName(consumerProjector), n)
		}
		return nil
	}
}
