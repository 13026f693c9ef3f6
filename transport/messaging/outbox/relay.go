package outbox

import (
	"errors"
	"fmt"
	"log/slog"

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
// publisher. The outbox message is acked only after Publish returned nil, i.e. after
// RabbitMQ confirmed it (or every embedded consumer took it), so an event is marked
// relayed only once it is safe in the bus. A failed publish is logged once and nacked,
// and the entry's lane retries after a backoff while the other lanes go on.
//
// Throughput comes from the lanes: watermill-amqp waits for each confirm before the next
// publish on a channel, so each lane has one publish in flight, and up to Lanes publishes
// wait for their confirms at once on the channel pool (amqp.Config.PublisherChannels
// should be at least Lanes).
func AddRelay(r *messaging.Router, cfg RelayConfig) error {
	if cfg.Bus == nil {
		return errors.New("outbox: relay has no Bus to publish to")
	}
	if err := r.Metrics().RegisterRelay(); err != nil {
		return err
	}
	if cfg.OnLeading == nil {
		cfg.OnLeading = r.Metrics().RelayLeading
	}
	sub, err := NewSubscriber(cfg.SubscriberConfig)
	if err != nil {
		return err
	}
	rl := relay{
		pub:     cfg.Bus.EventPublisher(),
		metrics: r.Metrics(),
		logger:  sub.cfg.Logger.With("relay", sub.cfg.Reader),
	}
	for k := range sub.cfg.Streams {
		h := r.Watermill().AddConsumerHandler(relayHandlerName(k), StreamTopic(k), sub, rl.handle)
		h.AddMiddleware(
			messaging.SettleFailures(rl.logger, slog.LevelWarn, "relay publish failed; the event's lane retries after a backoff"),
			middleware.Recoverer,
		)
	}
	r.AddCheck(RelayHandlerName, func() error {
		if err := errors.Join(sub.Ready(), cfg.Bus.Ready()); err != nil {
			return fmt.Errorf("relay: %w", err)
		}
		return nil
	})
	return nil
}

// relayHandlerName names the handler of stream k: RelayHandlerName, then relay-1, ...
func relayHandlerName(k int) string {
	if k == 0 {
		return RelayHandlerName
	}
	return fmt.Sprintf("%s-%d", RelayHandlerName, k)
}

// relay publishes outbox messages on the bus, counting and logging each.
type relay struct {
	pub     message.Publisher
	metrics *messaging.Metrics
	logger  *slog.Logger
}

// handle republishes the outbox message as it is: same UUID (the event id), payload,
// metadata and context (the embedded bus's receipt travels in it). A copy, because the
// outbox message is acked after this returns.
func (rl relay) handle(msg *message.Message) error {
	out := msg.Copy()
	out.SetContext(msg.Context())
	if err := rl.pub.Publish(messaging.ExchangeName, out); err != nil {
		rl.metrics.RelayFailed()
		return fmt.Errorf("attempt %d: %w", attemptOf(msg.Context()), err)
	}
	rl.metrics.RelayPublished(1)
	if rl.logger.Enabled(msg.Context(), slog.LevelDebug) {
		rl.logger.DebugContext(msg.Context(), "event relayed", messaging.EventAttrs(msg)...)
	}
	return nil
}
