package amqp

import (
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/planstore/planstore/transport/messaging"
)

// routeByEventType publishes each message with its event type as the topic, which the
// events configuration turns into the routing key. Watermill gives a router handler one
// fixed publish topic, and watermill-amqp derives the routing key from the topic only,
// so the per-message key has to be chosen here.
type routeByEventType struct {
	next message.Publisher
}

// Publish ignores topic (the relay passes ExchangeName) and publishes runs of messages
// of one type together, keeping their order.
func (r routeByEventType) Publish(_ string, msgs ...*message.Message) error {
	for start := 0; start < len(msgs); {
		eventType := msgs[start].Metadata.Get(messaging.MetadataEventType)
		if eventType == "" {
			return fmt.Errorf("%w: message %s has no %s", messaging.ErrMalformedMessage, msgs[start].UUID, messaging.MetadataEventType)
		}
		end := start + 1
		for end < len(msgs) && msgs[end].Metadata.Get(messaging.MetadataEventType) == eventType {
			end++
		}
		if err := r.next.Publish(eventType, msgs[start:end]...); err != nil {
			return err
		}
		start = end
	}
	return nil
}

func (r routeByEventType) Close() error { return r.next.Close() }
