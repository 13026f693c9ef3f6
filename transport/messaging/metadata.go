package messaging

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/planstore/planstore/events"
)

// Metadata keys every event message carries (AMQP headers on RabbitMQ). They repeat
// fields of the envelope so that routing, tracing and the dead-letter tooling can work
// without decoding the payload; the payload stays the single source of truth.
const (
	MetadataCorrelationID = middleware.CorrelationIDMetadataKey // "correlation_id"
	MetadataCausationID   = "causation_id"                      // event id of the cause, when there is one
	MetadataEventType     = "event_type"
	MetadataAggregateType = "aggregate_type"
	MetadataAggregateID   = "aggregate_id"
	MetadataVersion       = "version"
	MetadataSchemaVersion = "schema_version"
	MetadataOccurredAt    = "occurred_at" // RFC 3339 with nanoseconds
)

// ErrMalformedMessage marks a message that is not a planstore event; retrying it cannot help.
var ErrMalformedMessage = errors.New("messaging: malformed event message")

// NewEventMessage turns an event into the Watermill message the bus carries: the message
// UUID is the event id (so brokers, logs and the dead-letter queue all name the same id),
// the payload is the codec's encoding of the whole envelope.
func NewEventMessage(codec *events.Codec, e events.Envelope) (*message.Message, error) {
	payload, err := codec.Encode(e)
	if err != nil {
		return nil, fmt.Errorf("messaging: encode event %s: %w", e.ID, err)
	}
	return NewEncodedEventMessage(e, payload)
}

// NewEncodedEventMessage is NewEventMessage for an event whose encoding is at hand
// already (events.LogEntry.Encoded): payload must be the codec's encoding of e.
func NewEncodedEventMessage(e events.Envelope, payload []byte) (*message.Message, error) {
	if e.ID == "" {
		return nil, fmt.Errorf("messaging: event %s v%d of %s has no id", e.Type, e.Version, e.AggregateID)
	}
	msg := message.NewMessage(e.ID, payload)
	msg.Metadata.Set(MetadataEventType, string(e.Type))
	msg.Metadata.Set(MetadataAggregateType, e.AggregateType)
	msg.Metadata.Set(MetadataAggregateID, e.AggregateID)
	msg.Metadata.Set(MetadataVersion, strconv.FormatInt(e.Version, 10))
	msg.Metadata.Set(MetadataSchemaVersion, strconv.Itoa(e.SchemaVersion))
	msg.Metadata.Set(MetadataOccurredAt, e.OccurredAt.UTC().Format(time.RFC3339Nano))
	if e.CorrelationID != "" {
		msg.Metadata.Set(MetadataCorrelationID, e.CorrelationID)
	}
	if e.CausationID != "" {
		msg.Metadata.Set(MetadataCausationID, e.CausationID)
	}
	return msg, nil
}

// DecodeEventMessage returns the event a message carries, upcast to the current schema.
// A payload that does not decode, or whose id differs from the message UUID, wraps
// ErrMalformedMessage.
func DecodeEventMessage(codec *events.Codec, msg *message.Message) (events.Envelope, error) {
	e, err := codec.Decode(msg.Payload)
	if err != nil {
		return events.Envelope{}, fmt.Errorf("%w: message %s: %w", ErrMalformedMessage, msg.UUID, err)
	}
	if e.ID != msg.UUID {
		return events.Envelope{}, fmt.Errorf("%w: message %s carries event %s", ErrMalformedMessage, msg.UUID, e.ID)
	}
	return e, nil
}
