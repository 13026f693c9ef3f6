package amqp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill-amqp/v2/pkg/amqp"
	"github.com/ThreeDotsLabs/watermill/message"
	amqp091 "github.com/rabbitmq/amqp091-go"
)

// reconsumeDelay is the pause before a consumer channel that ended is opened again.
const reconsumeDelay = 100 * time.Millisecond

// consumerSubscriber consumes a consumer's queue on one channel holding the whole
// prefetch, hands out up to concurrency messages at once, and settles them through an
// ackWriter. watermill-amqp's subscriber needed a channel per unit of concurrency, handed
// out a channel's next message only once the last was settled, and acked each message in
// a frame of its own; RabbitMQ spent a channel process turn on every one of those acks.
//
// Like watermill-amqp's, a subscription outlives the connection: when the connection
// (or the channel) drops, the messages in hand are left to the broker, which delivers
// them again, and consuming resumes once watermill-amqp's connection is back, after the
// queue's topology is declared again.
type consumerSubscriber struct {
	conn        *amqp.ConnectionWrapper
	declare     func() error // the queue, its dead-letter queue and binding
	prefetch    int
	concurrency int
	marshaler   marshaler
	logger      *slog.Logger

	closing   chan struct{}
	closeOnce sync.Once
	running   sync.WaitGroup
}

func newConsumerSubscriber(conn *amqp.ConnectionWrapper, declare func() error, prefetch, concurrency int, logger *slog.Logger) *consumerSubscriber {
	return &consumerSubscriber{
		conn: conn, declare: declare, prefetch: max(1, prefetch), concurrency: max(1, concurrency),
		marshaler: newMarshaler(), logger: logger, closing: make(chan struct{}),
	}
}

// Subscribe consumes queue until ctx ends or the subscriber closes; the returned channel
// is closed then.
func (s *consumerSubscriber) Subscribe(ctx context.Context, queue string) (<-chan *message.Message, error) {
	select {
	case <-s.closing:
		return nil, errors.New("messaging: subscriber closed")
	default:
	}
	if !s.conn.IsConnected() {
		return nil, errors.New("messaging: not connected to RabbitMQ")
	}
	out := make(chan *message.Message)
	s.running.Go(func() {
		defer close(out)
		s.run(ctx, queue, out)
	})
	return out, nil
}

// Close stops every subscription: what is settled is acked, what is not goes back to
// the queue with the channel.
func (s *consumerSubscriber) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	s.running.Wait()
	return nil
}

func (s *consumerSubscriber) run(ctx context.Context, queue string, out chan<- *message.Message) {
	for {
		select {
		case <-s.closing:
			return
		case <-ctx.Done():
			return
		case <-s.conn.Connected():
		}
		if err := s.consume(ctx, queue, out); err != nil {
			s.logger.Warn("consumer channel ended; consuming again once connected", "queue", queue, "error", err)
		}
		select {
		case <-s.closing:
			return
		case <-ctx.Done():
			return
		case <-time.After(reconsumeDelay):
		}
	}
}

// consume runs one channel until it fails, ctx ends or the subscriber closes.
func (s *consumerSubscriber) consume(ctx context.Context, queue string, out chan<- *message.Message) error {
	if err := s.declare(); err != nil {
		return fmt.Errorf("declare %s: %w", queue, err)
	}
	conn := s.conn.Connection()
	if conn == nil {
		return errors.New("no connection")
	}
	ch, err := conn.Channel()
	if err != nil {
		return fmt.Errorf("open channel: %w", err)
	}
	defer func() { _ = ch.Close() }() // unsettled deliveries return to the queue
	if err := ch.Qos(s.prefetch, 0, false); err != nil {
		return fmt.Errorf("set prefetch: %w", err)
	}
	deliveries, err := ch.Consume(queue, "", false, false, false, false, nil)
	if err != nil {
		return fmt.Errorf("consume %s: %w", queue, err)
	}
	closed := ch.NotifyClose(make(chan *amqp091.Error, 1))

	h := &handOut{sub: s, acks: newAckWriter(ch, s.prefetch/2), slots: make(chan struct{}, s.concurrency), ended: make(chan struct{})}
	defer h.end()
	for {
		select {
		case d, ok := <-deliveries:
			if !ok {
				// The channel closed, or the broker cancelled the consumer and left the
				// channel open (its queue was deleted, or a quorum queue moved).
				select {
				case err := <-closed:
					return channelError(err)
				default:
					return errors.New("the broker cancelled the consumer")
				}
			}
			if !h.give(ctx, d, out) {
				return nil
			}
		case err := <-closed:
			return channelError(err)
		case <-s.closing:
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

// channelError is why a channel closed; nil when it was closed on purpose.
func channelError(err *amqp091.Error) error {
	if err == nil {
		return nil
	}
	return err
}

// handOut is one channel's deliveries in the handlers' hands.
type handOut struct {
	sub      *consumerSubscriber
	acks     *ackWriter
	slots    chan struct{} // one per message handed out and not settled
	ended    chan struct{} // closed when the channel's loop ends
	watchers sync.WaitGroup
}

// give hands d out once a slot is free and watches for its settlement; false when the
// subscription stops first (d then goes back to the queue).
func (h *handOut) give(ctx context.Context, d amqp091.Delivery, out chan<- *message.Message) bool {
	h.acks.delivered(d.DeliveryTag)
	msg, err := h.sub.marshaler.Unmarshal(d)
	if err != nil {
		h.sub.logger.Error("message cannot be read; returned to the queue", "message_id", d.MessageId, "error", err)
		h.acks.settle(d.DeliveryTag, false)
		return true
	}
	select {
	case h.slots <- struct{}{}:
	case <-h.sub.closing:
		h.acks.settle(d.DeliveryTag, false)
		return false
	case <-ctx.Done():
		h.acks.settle(d.DeliveryTag, false)
		return false
	}
	msgCtx, cancel := context.WithCancel(ctx)
	msg.SetContext(msgCtx)
	h.watchers.Go(func() {
		defer func() { <-h.slots }()
		defer cancel()
		h.watch(msg, d.DeliveryTag)
	})
	select {
	case out <- msg:
		return true
	case <-h.sub.closing:
	case <-ctx.Done():
	}
	msg.Nack() // never handed out: its watcher returns it to the queue
	return false
}

// watch passes msg's settlement to the ack writer. Once the channel's loop has ended,
// only a settlement already made still counts (the channel is about to close, and with
// it every later one would be lost anyway: the broker redelivers those).
func (h *handOut) watch(msg *message.Message, tag uint64) {
	select {
	case <-msg.Acked():
		h.acks.settle(tag, true)
	case <-msg.Nacked():
		h.acks.settle(tag, false)
	case <-h.ended:
		select {
		case <-msg.Acked():
			h.acks.settle(tag, true)
		case <-msg.Nacked():
			h.acks.settle(tag, false)
		default:
		}
	}
}

// end writes the settlements made by now before the channel closes.
func (h *handOut) end() {
	close(h.ended)
	h.watchers.Wait()
	if err := h.acks.close(); err != nil {
		h.sub.logger.Debug("settlements not written: the channel is gone; the broker redelivers them", "error", err)
	}
}
