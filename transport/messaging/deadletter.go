package messaging

import (
	"log/slog"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/prometheus/client_golang/prometheus"
)

// deadLetterRecorder wraps a consumer's dead-letter publisher: every poison message the
// bus accepted is counted and logged once, at error level, with the event's fields, the
// reason the PoisonQueue middleware recorded and where the message went. This is the only
// log line of a dead letter, on both buses.
type deadLetterRecorder struct {
	next   message.Publisher
	logger *slog.Logger
	count  prometheus.Counter
}

func (p deadLetterRecorder) Publish(topic string, msgs ...*message.Message) error {
	if err := p.next.Publish(topic, msgs...); err != nil {
		return err // PoisonQueue returns it; SettleFailures logs it
	}
	p.count.Add(float64(len(msgs)))
	for _, msg := range msgs {
		p.logger.Error("event dead-lettered", append(EventAttrs(msg),
			"dead_letter_queue", topic,
			"reason", msg.Metadata.Get(middleware.ReasonForPoisonedKey),
		)...)
	}
	return nil
}

func (p deadLetterRecorder) Close() error { return p.next.Close() }
