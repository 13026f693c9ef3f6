package inproc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/internal/defaults"
	"github.com/planstore/planstore/transport/messaging"
)

// Config configures the in-process bus of `planstore serve` without a broker.
type Config struct {
	Logger *slog.Logger
	// Consumers that must be attached before the bus accepts an event. Consumers whose
	// subscriber is requested from the bus are added automatically; listing them here
	// as well closes the window before their router has started.
	Consumers []string
	// DrainTimeout bounds how long a closing consumer waits for its in-flight messages
	// (default 30s).
	DrainTimeout time.Duration
	// Shards is how many events every consumer handles at once (default 64, the relay's
	// lanes): events are spread over that many topics by plan id, each delivering one
	// event at a time, so a plan's events stay in order. Consumer.Concurrency does not
	// apply here.
	Shards int
}

const defaultShards = 64

// Bus is the Bus on Watermill's GoChannel. GoChannel fans every message out to
// all subscribers of a topic, so every consumer subscribes to the events topics and gets
// its own copy, as each gets its own queue on RabbitMQ.
//
// GoChannel keeps nothing: a message published while a consumer is not subscribed is
// lost for it, and its BlockPublishUntilSubscriberAck also returns when a subscriber goes
// away without acknowledging. The outbox only marks an event relayed when Publish
// returns nil, so Publish here checks for itself: it refuses events while an expected
// consumer is detached (or when no consumer is known at all), and after GoChannel returns
// it verifies, through a receipt carried in the message context, that every consumer
// acknowledged. Otherwise the relay retries and the event waits in the outbox.
//
// GoChannel holds a topic's lock while it waits for the acknowledgements of a message,
// so one topic delivers one message at a time. The bus therefore spreads events over
// Shards topics by plan id: a plan's events stay in order on their shard, and every
// consumer handles up to Shards events at once (which lets the projection batch its bulk
// writes). That is the embedded equivalent of Consumer.Concurrency, without its loss of
// per-plan order, and it is the same for every consumer.
type Bus struct {
	pubSub       *gochannel.GoChannel
	drainTimeout time.Duration
	shards       []string // the topics

	mu          sync.Mutex
	expected    map[string]bool
	subscribers map[string]*messaging.TrackedSubscriber
	pending     map[string]int // per consumer: events being published it has not acknowledged
	closed      bool

	deadLetters embeddedDeadLetters
}

// New returns an in-process bus.
func New(cfg Config) (*Bus, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	cfg.DrainTimeout = defaults.Positive(cfg.DrainTimeout, messaging.DefaultDrainTimeout)
	cfg.Shards = defaults.Positive(cfg.Shards, defaultShards)
	shards := make([]string, cfg.Shards)
	for i := range shards {
		shards[i] = fmt.Sprintf("%s.%02d", messaging.ExchangeName, i)
	}
	b := &Bus{
		drainTimeout: cfg.DrainTimeout,
		shards:       shards,
		expected:     map[string]bool{},
		subscribers:  map[string]*messaging.TrackedSubscriber{},
		pending:      map[string]int{},
		deadLetters:  embeddedDeadLetters{msgs: map[string][]*message.Message{}},
		pubSub: gochannel.NewGoChannel(gochannel.Config{
			BlockPublishUntilSubscriberAck: true,
			// The receipt travels in the context; consumers detach from cancellation
			// themselves.
			PreserveContext: true,
		}, messaging.NewLogger(logger)),
	}
	for _, c := range cfg.Consumers {
		if err := messaging.ValidateConsumerName(c); err != nil {
			return nil, err
		}
		b.expected[c] = true
	}
	return b, nil
}

// EventPublisher implements Bus.
func (b *Bus) EventPublisher() message.Publisher {
	return messaging.BusOwned{Publisher: embeddedPublisher{bus: b}}
}

type embeddedPublisher struct{ bus *Bus }

func (p embeddedPublisher) Publish(_ string, msgs ...*message.Message) error {
	consumers, err := p.bus.attachedConsumers()
	if err != nil {
		return err
	}
	for _, msg := range msgs {
		if err := p.publishOne(consumers, msg); err != nil {
			return err
		}
	}
	return nil
}

// publishOne delivers msg to every consumer and checks their receipts.
func (p embeddedPublisher) publishOne(consumers []string, msg *message.Message) error {
	r := p.bus.newReceipt(consumers)
	msg.SetContext(withReceipt(msg.Context(), r))
	err := p.bus.pubSub.Publish(p.bus.shardOf(msg), msg)
	missing := r.close()
	if err != nil {
		return fmt.Errorf("messaging: embedded publish of %s: %w", msg.UUID, err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("messaging: consumers %v did not acknowledge event %s", missing, msg.UUID)
	}
	return nil
}

func (embeddedPublisher) Close() error { return nil }

// shardOf is the topic of a message: by plan id, so that a plan's events share a topic.
func (b *Bus) shardOf(msg *message.Message) string {
	return b.shards[events.PartitionOf(msg.Metadata.Get(messaging.MetadataAggregateID), len(b.shards))]
}

// attachedConsumers returns the expected consumers, or an error naming the detached ones.
func (b *Bus) attachedConsumers() ([]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errors.New("messaging: embedded bus is closed")
	}
	if len(b.expected) == 0 {
		// GoChannel would drop the events; in the outbox they wait for a consumer.
		return nil, errors.New("messaging: no consumer on the embedded bus to take events")
	}
	var consumers, detached []string
	for c := range b.expected {
		consumers = append(consumers, c)
		if s := b.subscribers[c]; s == nil || !s.Attached() {
			detached = append(detached, c)
		}
	}
	if len(detached) > 0 {
		slices.Sort(detached)
		return nil, fmt.Errorf("messaging: consumers %v are not attached", detached)
	}
	return consumers, nil
}

// newReceipt is the receipt of one message for consumers, counted as pending for each
// until it settles.
func (b *Bus) newReceipt(consumers []string) *receipt {
	b.mu.Lock()
	for _, c := range consumers {
		b.pending[c]++
	}
	b.mu.Unlock()
	return newReceipt(consumers, func(c string) {
		b.mu.Lock()
		b.pending[c]--
		b.mu.Unlock()
	})
}

// QueueDepth implements Bus: the events the relay is publishing that the consumer has
// not acknowledged yet, waiting for their shard or being handled. The relay publishes
// one event per lane at a time, so this stays at most its lane count (64); the backlog
// beyond that waits in the outbox.
func (b *Bus) QueueDepth(_ context.Context, consumer string) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, errors.New("messaging: embedded bus is closed")
	}
	return b.pending[consumer], nil
}

// ConsumerSubscriber implements Bus; the consumer becomes one whose acknowledgement every
// event needs. concurrency is checked but not used: every consumer handles up to Shards
// events at once, one per shard (see Bus).
func (b *Bus) ConsumerSubscriber(consumer string, concurrency int) (message.Subscriber, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := messaging.CheckNewSubscriber(consumer, concurrency, b.closed, b.subscribers); err != nil {
		return nil, err
	}
	s := &messaging.TrackedSubscriber{
		Consumer:     consumer,
		Inner:        b.pubSub,
		InnerTopics:  append(slices.Clone(b.shards), redeliveryTopic(consumer)),
		CloseInner:   func() error { return nil }, // the subscription ends with its context
		OnAck:        func(ctx context.Context) { receiptFrom(ctx).ack(consumer) },
		DrainTimeout: b.drainTimeout,
		InFlight:     messaging.NewInFlight(),
	}
	b.expected[consumer] = true
	b.subscribers[consumer] = s
	return s, nil
}

// DeadLetterPublisher implements Bus. Embedded mode has no broker to keep poison
// messages in: they are kept in memory (see embeddedDeadLetters) for DeadLetters to
// list, redeliver or discard; the event itself stays in the event log, from which a
// replay re-feeds it after a restart.
func (b *Bus) DeadLetterPublisher(consumer string) (message.Publisher, error) {
	if err := messaging.ValidateConsumerName(consumer); err != nil {
		return nil, err
	}
	return messaging.BusOwned{Publisher: embeddedDeadLetterPublisher{bus: b, consumer: consumer}}, nil
}

// Ready implements Bus.
func (b *Bus) Ready() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("embedded bus closed")
	}
	return nil
}

// Close stops the bus; close the routers first.
func (b *Bus) Close() error {
	if !messaging.MarkClosed(&b.mu, &b.closed) {
		return nil
	}
	if err := b.pubSub.Close(); err != nil {
		return fmt.Errorf("messaging: close embedded bus: %w", err)
	}
	return nil
}
