package outbox

import (
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/planstore/planstore/transport/messaging"
)

// RelayConfig configures AddRelay: where to read (the embedded SubscriberConfig) and
// where to publish.
type RelayConfig struct {
	SubscriberConfig
	Bus messaging.Bus
}

// RelayHandlerName is the relay's handler on its router.
const RelayHandlerName = "relay"

// AddRelay adds the relay to r: a handler from the outbox subscriber to the bus's event
// publisher. Watermill acks the outbox message only after Publish returned nil, i.e.
// after RabbitMQ confirmed it (or every embedded consumer took it), so an event is marked
// relayed only once it is safe in the bus. A failed publish nacks, and the entry's lane
// retries after a backoff while the other lanes go on.
//
// Throughput comes from the lanes: watermill-amqp waits for each confirm before the next
// publish on a channel, so each lane has one publish in flight, and up to Lanes publishes
// wait for their confirms at once on the channel pool (AMQPConfig.PublisherChannels
// should be at least Lanes).
func AddRelay(r *messaging.Router, cfg RelayConfig) error {
	if cfg.Bus == nil {
		return errors.New("outbox: relay has no Bus to publish to")
	}
	sub, err := NewSubscriber(cfg.SubscriberConfig)
	if err != nil {
		return err
	}
	metrics := r.Metrics()
	pub := meteredPublisher{next: cfg.Bus.EventPublisher(), metrics: metrics}
	h := r.Watermill().AddHandler(RelayHandlerName, Topic, sub, messaging.ExchangeName, pub, forward)
	h.AddMiddleware(middleware.Recoverer, middleware.CorrelationID)
	r.AddCheck(RelayHandlerName, func() error {
		if err := errors.Join(sub.Ready(), cfg.Bus.Ready()); err != nil {
			return fmt.Errorf("relay: %w", err)
		}
		return nil
	})
	return nil
}

// forward republishes the outbox message as it is: same UUID (the event id), payload
// and metadata. A copy, because the router acks the original after publishing.
func forward(msg *message.Message) ([]*message.Message, error) {
	out := msg.Copy()
	out.SetContext(msg.Context())
	return []*message.Message{out}, nil
}

// meteredPublisher counts confirmed and failed relay publishes.
type meteredPublisher struct {
	next    message.Publisher
	metrics *messaging.Metrics
}

func (p meteredPublisher) Publish(topic string, msgs ...*message.Message) error {
	if err := p.next.Publish(topic, msgs...); err != nil {
		p.metrics.RelayFailed()
		return err
	}
	p.metrics.RelayPublished(len(msgs))
	return nil
}

func (p meteredPublisher) Close() error { return p.next.Close() }
