package amqp

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"
	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/planstore/planstore/transport/messaging"
)

// DeadLetters works on the dead-letter queues of a RabbitMQ deployment, on a
// connection of its own. Each call takes messages from the head of the queue without
// acknowledging them (basic.get), acts on the one it looks for, and closes its channel,
// which puts every other message back where it was. While a call runs, the messages it
// holds are invisible to other callers: calls of one process run one at a time.
type DeadLetters struct {
	conn *queueMonitor // its connection handling; see queueMonitor
	mu   sync.Mutex
}

// NewDeadLetters returns the dead-letter tooling of the broker(s) at url; it
// connects on first use.
func NewDeadLetters(url, connectionName string) (*DeadLetters, error) {
	nodes, err := parseBrokerNodes(url)
	if err != nil {
		return nil, err
	}
	return &DeadLetters{conn: newQueueMonitor(nodes, connectionName)}, nil
}

// Close closes the connection.
func (d *DeadLetters) Close() error { return d.conn.Close() }

// List implements DeadLetterQueues.
func (d *DeadLetters) List(ctx context.Context, consumer string, limit int) ([]messaging.DeadLetter, error) {
	var out []messaging.DeadLetter
	err := d.scan(ctx, consumer, func(_ *amqp091.Channel, dl messaging.DeadLetter, _ amqp091.Delivery) (bool, error) {
		out = append(out, dl)
		return len(out) >= limit, nil
	})
	return out, err
}

// Get implements DeadLetterQueues.
func (d *DeadLetters) Get(ctx context.Context, consumer, id string) (messaging.DeadLetter, error) {
	var found *messaging.DeadLetter
	err := d.scan(ctx, consumer, func(_ *amqp091.Channel, dl messaging.DeadLetter, _ amqp091.Delivery) (bool, error) {
		if dl.ID == id {
			found = &dl
		}
		return found != nil, nil
	})
	if err == nil && found == nil {
		err = fmt.Errorf("%w: %s in %s", messaging.ErrDeadLetterNotFound, id, messaging.DeadLetterQueueName(consumer))
	}
	if err != nil {
		return messaging.DeadLetter{}, err
	}
	return *found, nil
}

// Redeliver implements DeadLetterQueues: the message is published, confirmed, to the
// consumer's queue through the default exchange (so no other consumer sees it again),
// and only then acknowledged in the dead-letter queue.
func (d *DeadLetters) Redeliver(ctx context.Context, consumer, id string) error {
	return d.settle(ctx, consumer, id, func(ch *amqp091.Channel, del amqp091.Delivery) error {
		conf, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", messaging.QueueName(consumer), true, false, amqp091.Publishing{
			Headers: del.Headers, ContentType: del.ContentType, DeliveryMode: amqp091.Persistent,
			MessageId: del.MessageId, CorrelationId: del.CorrelationId, Timestamp: del.Timestamp,
			Type: del.Type, Body: del.Body,
		})
		if err != nil {
			return fmt.Errorf("messaging: redeliver %s to %s: %w", id, messaging.QueueName(consumer), err)
		}
		ok, err := conf.WaitContext(ctx)
		if err != nil {
			return fmt.Errorf("messaging: redeliver %s: waiting for the broker's confirm: %w", id, err)
		}
		if !ok {
			return fmt.Errorf("messaging: redeliver %s: the broker refused it (nack)", id)
		}
		return del.Ack(false)
	})
}

// Discard implements DeadLetterQueues.
func (d *DeadLetters) Discard(ctx context.Context, consumer, id string) error {
	return d.settle(ctx, consumer, id, func(_ *amqp091.Channel, del amqp091.Delivery) error {
		return del.Ack(false)
	})
}

func (d *DeadLetters) settle(ctx context.Context, consumer, id string, act func(*amqp091.Channel, amqp091.Delivery) error) error {
	found := false
	err := d.scan(ctx, consumer, func(ch *amqp091.Channel, dl messaging.DeadLetter, del amqp091.Delivery) (bool, error) {
		if dl.ID != id {
			return false, nil
		}
		found = true
		return true, act(ch, del)
	})
	if err == nil && !found {
		err = fmt.Errorf("%w: %s in %s", messaging.ErrDeadLetterNotFound, id, messaging.DeadLetterQueueName(consumer))
	}
	return err
}

// scan hands the dead letters of consumer to visit, oldest first, until visit says
// stop, the queue is empty or MaxDeadLetterScan were seen; then every message not
// acknowledged goes back to the queue as the channel closes.
func (d *DeadLetters) scan(ctx context.Context, consumer string, visit func(*amqp091.Channel, messaging.DeadLetter, amqp091.Delivery) (bool, error)) error {
	if err := messaging.ValidateConsumerName(consumer); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	conn, err := d.conn.connection()
	if err != nil {
		return fmt.Errorf("messaging: dead letters: %w", err)
	}
	ch, err := conn.Channel()
	if err != nil {
		d.conn.dropIfClosed(conn)
		return fmt.Errorf("messaging: dead letters: %w", err)
	}
	defer ch.Close() // requeues what was taken and not acknowledged
	if err := ch.Confirm(false); err != nil {
		return fmt.Errorf("messaging: dead letters: %w", err)
	}
	queue := messaging.DeadLetterQueueName(consumer)
	unmarshal := newMarshaler()
	for range messaging.MaxDeadLetterScan {
		if err := ctx.Err(); err != nil {
			return err
		}
		del, ok, err := ch.Get(queue, false)
		var amqpErr *amqp091.Error
		if errors.As(err, &amqpErr) && amqpErr.Code == amqp091.NotFound {
			return nil // no dead letter ever: the queue is declared on the first one
		}
		if err != nil {
			return fmt.Errorf("messaging: read %s: %w", queue, err)
		}
		if !ok {
			return nil
		}
		msg, err := unmarshal.Unmarshal(del)
		if err != nil {
			msg = message.NewMessage(del.MessageId, del.Body)
		}
		stop, err := visit(ch, messaging.DeadLetterOf(consumer, msg), del)
		if err != nil || stop {
			return err
		}
	}
	return nil
}
