package messaging

import (
	"log/slog"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// deadLetterLog is the embedded bus's dead-letter "queue": an error log line per poison
// message, with the event's identity and the reason the PoisonQueue middleware recorded.
type deadLetterLog struct {
	logger *slog.Logger
	queue  string
}

func (d deadLetterLog) Publish(_ string, msgs ...*message.Message) error {
	for _, msg := range msgs {
		d.logger.Error("event dead-lettered",
			"queue", d.queue,
			"event_id", msg.UUID,
			"event_type", msg.Metadata.Get(MetadataEventType),
			"aggregate_id", msg.Metadata.Get(MetadataAggregateID),
			"version", msg.Metadata.Get(MetadataVersion),
			"correlation_id", msg.Metadata.Get(MetadataCorrelationID),
			"reason", msg.Metadata.Get(middleware.ReasonForPoisonedKey),
		)
	}
	return nil
}

func (deadLetterLog) Close() error { return nil }
