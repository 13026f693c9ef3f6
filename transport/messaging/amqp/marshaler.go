package amqp

import (
	"fmt"
	"maps"

	"github.com/ThreeDotsLabs/watermill-amqp/v2/pkg/amqp"
	"github.com/ThreeDotsLabs/watermill/message"
	amqp091 "github.com/rabbitmq/amqp091-go"
)

// marshaler is watermill-amqp's DefaultMarshaler, except that it also accepts headers
// that are not strings. watermill-amqp refuses such a message, and the subscriber nacks
// it back to the queue, forever; yet RabbitMQ adds them itself: a quorum queue counts a
// redelivered message's deliveries in x-delivery-count (an integer), and a dead-lettered
// one carries x-death (a table). They become metadata in their printed form.
type marshaler struct {
	amqp.DefaultMarshaler
}

func newMarshaler() marshaler {
	return marshaler{amqp.DefaultMarshaler{PostprocessPublishing: standardProperties}}
}

func (m marshaler) Unmarshal(d amqp091.Delivery) (*message.Message, error) {
	if !allStrings(d.Headers) {
		// The delivery is a copy, its Headers map is not: change a copy of that too.
		headers := maps.Clone(d.Headers)
		for k, v := range headers {
			if _, ok := v.(string); !ok {
				headers[k] = fmt.Sprint(v)
			}
		}
		d.Headers = headers
	}
	return m.DefaultMarshaler.Unmarshal(d)
}

func allStrings(headers amqp091.Table) bool {
	for _, v := range headers {
		if _, ok := v.(string); !ok {
			return false
		}
	}
	return true
}
