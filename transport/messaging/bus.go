package messaging

import (
	"context"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Bus carries event messages from the relay to the consumers. amqp.New and
// inproc.New implement it with the same topology, so routers, the relay and consumers
// never know which one they run on.
type Bus interface {
	// EventPublisher is what the relay publishes event messages with (made by
	// NewEventMessage), on topic ExchangeName. Publish returns nil only once the bus has
	// taken responsibility for every message: RabbitMQ confirmed it, or every embedded
	// consumer acknowledged it. The bus owns the publisher; closing it is a no-op.
	EventPublisher() message.Publisher
	// ConsumerSubscriber returns the subscriber of the consumer's own queue; subscribe to
	// topic QueueName(consumer). concurrency (at least 1) is how many events it may hand
	// out at once (see Consumer.Concurrency). The router closes it when it stops.
	ConsumerSubscriber(consumer string, concurrency int) (message.Subscriber, error)
	// DeadLetterPublisher publishes a consumer's poison messages on topic
	// DeadLetterQueueName(consumer). The bus owns it; closing it is a no-op.
	DeadLetterPublisher(consumer string) (message.Publisher, error)
	// QueueDepth is how many events wait for the consumer (for
	// planstore_consumer_queue_depth); see the implementations for what "wait" covers.
	QueueDepth(ctx context.Context, consumer string) (int, error)
	// Ready reports whether the bus can carry messages right now (for /readyz).
	Ready() error
	// Close releases the bus; close every router using it first.
	Close() error
}

// attachable is implemented by the subscribers a Bus hands out: nil while every
// subscription of the consumer is live and connected, which is what /readyz calls
// "attached", else why not.
type attachable interface {
	Attachment() error
}

// busOwned hides Close from a router: Watermill closes a handler's publisher when the
// handler stops, but the bus shares its publishers across handlers and closes them itself.
type BusOwned struct{ message.Publisher }

func (BusOwned) Close() error { return nil }

// DefaultDrainTimeout is how long a closing consumer waits for its in-flight events to
// be settled, on either bus, when its configuration does not say.
const DefaultDrainTimeout = 30 * time.Second
