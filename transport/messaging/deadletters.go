package messaging

import (
	"context"
	"errors"
	"strconv"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// ErrDeadLetterNotFound: no dead letter with that id waits in the consumer's
// dead-letter queue (never there, or already redelivered or discarded).
var ErrDeadLetterNotFound = errors.New("messaging: dead letter not found")

// MaxDeadLetterScan bounds how many dead letters one call looks through. A dead-letter
// queue is a queue, not a table: finding one message means taking the ones before it.
const MaxDeadLetterScan = 10_000

// DeadLetter is one event a consumer gave up on.
type DeadLetter struct {
	// ID is the message id, which is the event id.
	ID          string            `json:"id"`
	Consumer    string            `json:"consumer"`
	EventType   string            `json:"event_type"`
	AggregateID string            `json:"aggregate_id"`
	Version     int64             `json:"version"`
	Reason      string            `json:"reason"`
	Metadata    map[string]string `json:"metadata"`
	// Payload is the event envelope as it was published (JSON).
	Payload []byte `json:"-"`
}

func DeadLetterOf(consumer string, msg *message.Message) DeadLetter {
	v, _ := strconv.ParseInt(msg.Metadata.Get(MetadataVersion), 10, 64)
	md := make(map[string]string, len(msg.Metadata))
	for k, val := range msg.Metadata {
		md[k] = val
	}
	return DeadLetter{
		ID: msg.UUID, Consumer: consumer,
		EventType:   msg.Metadata.Get(MetadataEventType),
		AggregateID: msg.Metadata.Get(MetadataAggregateID),
		Version:     v,
		Reason:      msg.Metadata.Get(middleware.ReasonForPoisonedKey),
		Metadata:    md,
		Payload:     msg.Payload,
	}
}

// DeadLetterQueues lists and settles the dead letters of consumers, on either bus.
type DeadLetterQueues interface {
	// List returns up to limit dead letters of the consumer, oldest first.
	List(ctx context.Context, consumer string, limit int) ([]DeadLetter, error)
	// Get returns one dead letter, or ErrDeadLetterNotFound.
	Get(ctx context.Context, consumer, id string) (DeadLetter, error)
	// Redeliver moves the dead letter back to the consumer's queue (at least once: the
	// consumers are idempotent), or answers ErrDeadLetterNotFound.
	Redeliver(ctx context.Context, consumer, id string) error
	// Discard drops the dead letter for good, or answers ErrDeadLetterNotFound.
	Discard(ctx context.Context, consumer, id string) error
}
