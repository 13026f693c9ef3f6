package amqp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-amqp/v2/pkg/amqp"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/planstore/planstore/internal/defaults"
	"github.com/planstore/planstore/transport/messaging"
)

// Config configures the RabbitMQ bus.
type Config struct {
	// URL of the broker, with the vhost as its path: amqp://user:pass@host:5672/vhost.
	// For a cluster, a comma-separated list of its nodes' URLs, which differ only in host
	// and port: every connection goes to a reachable node and, when its node goes, to
	// another one.
	URL string
	// QueueType is the type of every planstore queue: classic or quorum (empty: classic
	// for one node, quorum for several; see queueTypeFor)
	// (replicated; the choice for a cluster).
	QueueType QueueType
	Logger    *slog.Logger
	// Consumers whose queues (and dead-letter queues) are declared at start. The
	// exchange drops messages no queue is bound for, so the relay lists every consumer of
	// the deployment: events then wait in a consumer's queue until it first attaches.
	Consumers []string
	// Retired are consumers the deployment no longer has: their queues and dead-letter
	// queues are deleted at start once nothing consumes them (see retireConsumers).
	Retired []string
	// PublisherChannels is the size of the relay publisher's channel pool, i.e. how many
	// publishes wait for their confirm at once (default 64, the relay's default lanes).
	PublisherChannels int
	// Prefetch is how many unacknowledged messages a consumer process may hold (default
	// 64), whatever its Concurrency: what the broker redelivers when the process dies.
	Prefetch int
	// ConnectionName is shown in the management UI (default "planstore").
	ConnectionName string
	// DrainTimeout bounds how long a closing consumer waits for its in-flight messages
	// to be settled before it lets go of them (default 30s; they are redelivered).
	DrainTimeout time.Duration
}

const (
	defaultPublisherChannels = 64
	defaultPrefetch          = 64
)

// Bus is the RabbitMQ Bus: one connection shared by the consumers (watermill-amqp
// reconnects it) and one per publisher (replaced whole when it drops, see
// replacingPublisher).
type Bus struct {
	cfg     Config
	nodes   *brokerNodes
	logger  watermill.LoggerAdapter
	subConn *amqp.ConnectionWrapper

	events      *replacingPublisher
	deadLetters *replacingPublisher

	monitor *queueMonitor

	mu          sync.Mutex
	subscribers map[string]*messaging.TrackedSubscriber
	closed      bool
}

// New connects to RabbitMQ and declares the topology of cfg.Consumers. An
// unreachable broker is an error, never a silent fallback.
func New(cfg Config) (*Bus, error) {
	nodes, err := parseBrokerNodes(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.QueueType, err = queueTypeFor(string(cfg.QueueType), len(nodes.addrs)); err != nil {
		return nil, err
	}
	for _, c := range slices.Concat(cfg.Consumers, cfg.Retired) {
		if err := messaging.ValidateConsumerName(c); err != nil {
			return nil, err
		}
	}
	cfg.PublisherChannels = defaults.Positive(cfg.PublisherChannels, defaultPublisherChannels)
	cfg.Prefetch = defaults.Positive(cfg.Prefetch, defaultPrefetch)
	if cfg.ConnectionName == "" {
		cfg.ConnectionName = "planstore"
	}
	cfg.DrainTimeout = defaults.Positive(cfg.DrainTimeout, messaging.DefaultDrainTimeout)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	logger := messaging.NewLogger(cfg.Logger)
	conn, err := amqp.NewConnection(subscriberConnection(nodes, cfg.ConnectionName+" consumers"), logger)
	if err != nil {
		return nil, fmt.Errorf("messaging: connect to RabbitMQ (%s): %w", nodes, err)
	}
	b := &Bus{
		cfg:         cfg,
		nodes:       nodes,
		logger:      logger,
		subConn:     conn,
		monitor:     newQueueMonitor(nodes, cfg.ConnectionName+" monitor"),
		subscribers: map[string]*messaging.TrackedSubscriber{},
	}
	b.events = newReplacingPublisher("events publisher", func() amqp.Config {
		return eventsConfig(singleDialConnection(nodes, cfg.ConnectionName+" relay"), cfg.PublisherChannels, cfg.Prefetch)
	}, logger)
	b.deadLetters = newReplacingPublisher("dead-letter publisher", func() amqp.Config {
		return deadLetterConfig(singleDialConnection(nodes, cfg.ConnectionName+" dead letters"), 2)
	}, logger)
	for _, c := range cfg.Consumers {
		if err := b.declareConsumer(c); err != nil {
			return nil, errors.Join(err, b.Close())
		}
	}
	b.retireConsumers(cfg.Retired)
	return b, nil
}

// EventPublisher implements Bus.
func (b *Bus) EventPublisher() message.Publisher {
	return messaging.BusOwned{Publisher: routeByEventType{next: b.events}}
}

// ConsumerSubscriber implements Bus: one AMQP consumer on QueueName(consumer), on a
// channel of its own holding Prefetch, hands out up to concurrency messages at once and
// acks settled ones together (consumerSubscriber); it declares the queue (durable, bound
// to ExchangeName with BindingKey) on every (re)connect. With concurrency above 1,
// events of one plan may be handled at the same time and finish out of order.
func (b *Bus) ConsumerSubscriber(consumer string, concurrency int) (message.Subscriber, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := messaging.CheckNewSubscriber(consumer, concurrency, b.closed, b.subscribers); err != nil {
		return nil, err
	}
	declare := func() error { return b.declareConsumer(consumer) }
	sub := newConsumerSubscriber(b.subConn, declare, b.cfg.Prefetch, concurrency, b.cfg.Logger.With("consumer", consumer))
	tracked := &messaging.TrackedSubscriber{
		Consumer:    consumer,
		Inner:       sub,
		InnerTopics: []string{messaging.QueueName(consumer)},
		Connected:   b.subConn.IsConnected,
		BrokerConsumers: func() (int, error) {
			ctx, cancel := context.WithTimeout(context.Background(), brokerCheckTimeout)
			defer cancel()
			return b.QueueConsumers(ctx, consumer)
		},
		DrainTimeout: b.cfg.DrainTimeout,
		InFlight:     messaging.NewInFlight(),
	}
	b.subscribers[consumer] = tracked
	return tracked, nil
}

// QueueDepth implements Bus: the messages ready in the consumer's queue, i.e. neither
// delivered to a consumer nor awaiting an ack (a passive queue declare).
func (b *Bus) QueueDepth(ctx context.Context, consumer string) (int, error) {
	if err := messaging.ValidateConsumerName(consumer); err != nil {
		return 0, err
	}
	return b.monitor.ready(ctx, messaging.QueueName(consumer))
}

// QueueConsumers returns how many AMQP consumers, in all processes, take messages from
// the consumer's queue: Concurrency per attached process.
func (b *Bus) QueueConsumers(ctx context.Context, consumer string) (int, error) {
	if err := messaging.ValidateConsumerName(consumer); err != nil {
		return 0, err
	}
	return b.monitor.consumers(ctx, messaging.QueueName(consumer))
}

// DeadLetterPublisher implements Bus. Each publish first declares the dead-letter queue:
// the default exchange silently drops (and still confirms) a message for a missing
// queue, and poison messages are rare enough for the extra round trip.
func (b *Bus) DeadLetterPublisher(consumer string) (message.Publisher, error) {
	if err := messaging.ValidateConsumerName(consumer); err != nil {
		return nil, err
	}
	return messaging.BusOwned{Publisher: deadLetterPublisher{bus: b, consumer: consumer}}, nil
}

type deadLetterPublisher struct {
	bus      *Bus
	consumer string
}

func (d deadLetterPublisher) Publish(_ string, msgs ...*message.Message) error {
	queue := messaging.DeadLetterQueueName(d.consumer)
	if err := d.bus.declareDeadLetterQueue(d.consumer); err != nil {
		return err
	}
	return d.bus.deadLetters.Publish(queue, msgs...)
}

func (deadLetterPublisher) Close() error { return nil }

// brokerCheckTimeout bounds the readiness check's question to the broker.
const brokerCheckTimeout = 2 * time.Second

// consumerQueueConfig is the subscriber configuration of a consumer's queue, declared
// with the bus's queue type on every (re)connect.
func (b *Bus) consumerQueueConfig(consumer string, prefetch int) amqp.Config {
	return withQueueType(eventsConfig(amqp.ConnectionConfig{}, 0, prefetch), consumerQueueArguments(b.cfg.QueueType, consumer))
}

func (b *Bus) declareConsumer(consumer string) error {
	// The dead-letter queue first: a quorum consumer queue names it as where the broker
	// moves messages over the delivery limit.
	if err := b.declareDeadLetterQueue(consumer); err != nil {
		return err
	}
	queue := messaging.QueueName(consumer)
	if err := b.initialize(b.consumerQueueConfig(consumer, b.cfg.Prefetch), queue); err != nil {
		return fmt.Errorf("messaging: declare queue of %s: %w", consumer, queueTypeMismatch(err, consumer, queue, b.cfg.QueueType))
	}
	return nil
}

func (b *Bus) declareDeadLetterQueue(consumer string) error {
	queue := messaging.DeadLetterQueueName(consumer)
	config := withQueueType(deadLetterConfig(amqp.ConnectionConfig{}, 0), deadLetterQueueArguments(b.cfg.QueueType))
	if err := b.initialize(config, queue); err != nil {
		return fmt.Errorf("messaging: declare dead-letter queue of %s: %w", consumer, queueTypeMismatch(err, consumer, queue, b.cfg.QueueType))
	}
	return nil
}

// initialize declares a queue (and the exchange and binding the config names) through a
// throwaway subscriber on the shared connection: watermill-amqp's own topology builder.
func (b *Bus) initialize(config amqp.Config, topic string) error {
	sub, err := amqp.NewSubscriberWithConnection(config, b.logger, b.subConn)
	if err != nil {
		return err
	}
	return errors.Join(sub.SubscribeInitialize(topic), sub.Close())
}

// Ready implements Bus: the consumers' connection is up.
func (b *Bus) Ready() error {
	if b.subConn.Closed() {
		return errors.New("RabbitMQ bus closed")
	}
	if !b.subConn.IsConnected() {
		return errors.New("RabbitMQ connection down, reconnecting")
	}
	return nil
}

// Close closes the publishers and the consumers' connection.
func (b *Bus) Close() error {
	if !messaging.MarkClosed(&b.mu, &b.closed) {
		return nil
	}
	var errs []error
	for _, s := range b.subscribers {
		errs = append(errs, s.Close())
	}
	errs = append(errs, b.events.Close(), b.deadLetters.Close(), b.monitor.Close(), b.subConn.Close())
	return errors.Join(errs...)
}
