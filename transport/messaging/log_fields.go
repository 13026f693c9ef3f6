package messaging

import (
	"strconv"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/planstore/planstore/events"
)

// The fields every per-event log line of the relay and the consumers carries, under the
// same keys, so that `grep <correlation id>` finds one write in the logs of every role,
// and a dead letter, a retry and a success of one event read alike.
const (
	LogKeyCorrelationID = "correlation_id"
	LogKeyEventID       = "event_id"
	LogKeyEventType     = "event_type"
	LogKeyAggregateID   = "aggregate_id"
	LogKeyVersion       = "version"
)

// EventAttrs are the log fields of an event message, read from its metadata (see
// NewEventMessage), for slog's key-value arguments; a field the message lacks is empty.
func EventAttrs(msg *message.Message) []any {
	return []any{
		LogKeyCorrelationID, msg.Metadata.Get(MetadataCorrelationID),
		LogKeyEventID, msg.UUID,
		LogKeyEventType, msg.Metadata.Get(MetadataEventType),
		LogKeyAggregateID, msg.Metadata.Get(MetadataAggregateID),
		LogKeyVersion, msg.Metadata.Get(MetadataVersion),
	}
}

// envelopeAttrs are the same fields read from a decoded event.
func envelopeAttrs(e events.Envelope) []any {
	return []any{
		LogKeyCorrelationID, e.CorrelationID,
		LogKeyEventID, e.ID,
		LogKeyEventType, string(e.Type),
		LogKeyAggregateID, e.AggregateID,
		LogKeyVersion, strconv.FormatInt(e.Version, 10),
	}
}
