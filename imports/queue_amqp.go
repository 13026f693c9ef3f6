package imports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// QueueName is the durable RabbitMQ queue of import chunks. Its messages are persistent
// and each is acknowledged only after its chunk's result is recorded, so a worker killed
// mid-chunk leaves the chunk to another (or to itself after a restart).
const QueueName = "planstore.imports"

// AMQPQueue is the work queue on RabbitMQ: amqp091 directly, because a work queue with
// manual acknowledgement and a prefetch is all it needs of the broker (Watermill's
// router adds per-message middleware the chunks do not want).
type AMQPQueue struct {
	urls      []string
	queueType string // classic or quorum
	log       *slog.Logger

	mu      sync.Mutex
	conn    *amqp.Connection
	publish *amqp.Channel
}

// NewAMQPQueue checks that the broker answers and declares the queue. urls is a
// comma-separated list of a cluster's nodes, tried in turn.
func NewAMQPQueue(ctx context.Context, urls, queueType string, log *slog.Logger) (*AMQPQueue, error) {
	if queueType == "" {
		queueType = "classic"
	}
	q := &AMQPQueue{queueType: queueType, log: log}
	for _, u := range strings.Split(urls, ",") {
		if u = strings.TrimSpace(u); u != "" {
			q.urls = append(q.urls, u)
		}
	}
	if len(q.urls) == 0 {
		return nil, errors.New("imports: no RabbitMQ URL")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, err := q.publisher(ctx); err != nil {
		return nil, err
	}
	return q, nil
}

func (q *AMQPQueue) dial() (*amqp.Connection, error) {
	var errs []error
	for _, u := range q.urls {
		conn, err := amqp.DialConfig(u, amqp.Config{
			Heartbeat:  10 * time.Second,
			Properties: amqp.Table{"connection_name": "planstore-imports"},
		})
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("imports: dial RabbitMQ: %w", errors.Join(errs...))
}

func (q *AMQPQueue) declare(ch *amqp.Channel) error {
	_, err := ch.QueueDeclare(QueueName, true, false, false, false, amqp.Table{"x-queue-type": q.queueType})
	if err != nil {
		return fmt.Errorf("imports: declare queue %s: %w", QueueName, err)
	}
	return nil
}

// publisher returns the confirming channel, reconnecting when it is gone; q.mu is held.
func (q *AMQPQueue) publisher(context.Context) (*amqp.Channel, error) {
	if q.publish != nil && !q.publish.IsClosed() {
		return q.publish, nil
	}
	if q.conn == nil || q.conn.IsClosed() {
		conn, err := q.dial()
		if err != nil {
			return nil, err
		}
		q.conn = conn
	}
	ch, err := q.conn.Channel()
	if err != nil {
		return nil, fmt.Errorf("imports: channel: %w", err)
	}
	if err := ch.Confirm(false); err != nil {
		return nil, fmt.Errorf("imports: confirm mode: %w", err)
	}
	if err := q.declare(ch); err != nil {
		return nil, err
	}
	q.publish = ch
	return ch, nil
}

// Publish sends a persistent message and waits for the broker's confirm: a chunk the
// upload acknowledged is on disk in the broker.
func (q *AMQPQueue) Publish(ctx context.Context, ref ChunkRef) error {
	body, err := json.Marshal(ref)
	if err != nil {
		return err
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		if lastErr = q.publishOnce(ctx, body); lastErr == nil {
			return nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return fmt.Errorf("imports: publish chunk %d of %s: %w", ref.Index, ref.Job, lastErr)
}

func (q *AMQPQueue) publishOnce(ctx context.Context, body []byte) error {
	q.mu.Lock()
	ch, err := q.publisher(ctx)
	if err != nil {
		q.mu.Unlock()
		return err
	}
	dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", QueueName, true, false, amqp.Publishing{
		ContentType: "application/json", DeliveryMode: amqp.Persistent, Body: body,
	})
	q.mu.Unlock()
	if err != nil {
		q.drop(ch)
		return err
	}
	ok, err := dc.WaitContext(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("broker refused the message (nack)")
	}
	return nil
}

func (q *AMQPQueue) drop(ch *amqp.Channel) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.publish == ch {
		_ = ch.Close()
		q.publish = nil
	}
}

// Consume takes chunks on a connection of its own, reconnecting after a broker outage,
// until ctx ends.
func (q *AMQPQueue) Consume(ctx context.Context, prefetch int, handle func(context.Context, ChunkRef) error) error {
	for {
		err := q.consumeOnce(ctx, prefetch, handle)
		select {
		case <-ctx.Done():
			return nil // stopped: the error, if any, is the shutdown's
		default:
		}
		q.log.Warn("import queue consumer stopped; reconnecting", slog.Any("error", err))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(retryPause):
		}
	}
}

func (q *AMQPQueue) consumeOnce(ctx context.Context, prefetch int, handle func(context.Context, ChunkRef) error) error {
	conn, err := q.dial()
	if err != nil {
		return err
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	if err := ch.Qos(max(1, prefetch), 0, false); err != nil {
		return err
	}
	if err := q.declare(ch); err != nil {
		return err
	}
	deliveries, err := ch.ConsumeWithContext(ctx, QueueName, "", false, false, false, false, nil)
	if err != nil {
		return fmt.Errorf("consume %s: %w", QueueName, err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select {
		case <-ctx.Done():
			return nil
		case d, ok := <-deliveries:
			if !ok {
				return errors.New("delivery channel closed")
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				q.settle(ctx, d, handle)
			}()
		}
	}
}

// settle runs handle and acknowledges the message only when the chunk is recorded.
func (q *AMQPQueue) settle(ctx context.Context, d amqp.Delivery, handle func(context.Context, ChunkRef) error) {
	var ref ChunkRef
	if err := json.Unmarshal(d.Body, &ref); err != nil || ref.Job == "" {
		q.log.Error("import queue: dropping a message that names no chunk", slog.String("body", string(d.Body)))
		_ = d.Ack(false)
		return
	}
	if err := handle(ctx, ref); err != nil {
		if ctx.Err() == nil {
			time.Sleep(retryPause) // let a briefly failing store recover before the retry
		}
		_ = d.Nack(false, true)
		return
	}
	_ = d.Ack(false)
}

// Close closes the publishing connection.
func (q *AMQPQueue) Close() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.conn != nil {
		return q.conn.Close()
	}
	return nil
}
