package amqp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"
)

// queueMonitor asks the broker how many messages wait in a queue. It has a connection of
// its own, dialled on first use and replaced after it drops: the consumers' connection
// belongs to watermill-amqp, which swaps it on reconnect without synchronisation, and a
// metrics poll must neither race with that nor disturb the consumers' channels (a
// passive declare of a missing queue closes its channel).
type queueMonitor struct {
	nodes *brokerNodes
	name  string

	mu     sync.Mutex
	conn   *amqp091.Connection
	closed bool
}

const monitorDialTimeout = 10 * time.Second

func newQueueMonitor(nodes *brokerNodes, name string) *queueMonitor {
	return &queueMonitor{nodes: nodes, name: name}
}

// ready returns the number of ready messages of queue (not those delivered and awaiting
// an ack).
func (m *queueMonitor) ready(ctx context.Context, queue string) (int, error) {
	q, err := m.inspect(ctx, queue)
	if err != nil {
		return 0, fmt.Errorf("messaging: depth of queue %s: %w", queue, err)
	}
	return q.Messages, nil
}

// consumers returns how many AMQP consumers the queue has, in every process.
func (m *queueMonitor) consumers(ctx context.Context, queue string) (int, error) {
	q, err := m.inspect(ctx, queue)
	if err != nil {
		return 0, fmt.Errorf("messaging: consumers of queue %s: %w", queue, err)
	}
	return q.Consumers, nil
}

// inspect passively declares queue. The broker's answer is awaited in the background,
// so ctx bounds the call even when the broker hangs; the connection is then dropped,
// which ends the wait.
func (m *queueMonitor) inspect(ctx context.Context, queue string) (amqp091.Queue, error) {
	type answer struct {
		conn *amqp091.Connection
		q    amqp091.Queue
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		var a answer
		a.conn, a.err = m.connection()
		if a.err == nil {
			a.q, a.err = declarePassive(a.conn, queue)
		}
		done <- a
	}()
	select {
	case a := <-done:
		if a.err != nil {
			m.dropIfClosed(a.conn)
			return amqp091.Queue{}, a.err
		}
		return a.q, nil
	case <-ctx.Done():
		go func() { m.drop((<-done).conn) }()
		return amqp091.Queue{}, ctx.Err()
	}
}

func declarePassive(conn *amqp091.Connection, queue string) (amqp091.Queue, error) {
	ch, err := conn.Channel()
	if err != nil {
		return amqp091.Queue{}, err
	}
	// A failed passive declare closes the channel on the broker's side; closing it again
	// here only reports that.
	defer ch.Close()
	return ch.QueueDeclarePassive(queue, true, false, false, false, nil)
}

func (m *queueMonitor) connection() (*amqp091.Connection, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, errors.New("queue monitor closed")
	}
	if m.conn != nil && !m.conn.IsClosed() {
		return m.conn, nil
	}
	conn, err := amqp091.DialConfig(m.nodes.uri, *connectionSettings(m.name, m.nodes.dialer(monitorDialTimeout)))
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	m.conn = conn
	return conn, nil
}

// dropIfClosed forgets conn when a failure closed it; a failure that left it open (a
// missing queue closes only the channel) keeps it for the next poll.
func (m *queueMonitor) dropIfClosed(conn *amqp091.Connection) {
	if conn != nil && conn.IsClosed() {
		m.drop(conn)
	}
}

// drop closes conn and forgets it, so that the next poll dials afresh.
func (m *queueMonitor) drop(conn *amqp091.Connection) {
	if conn == nil {
		return
	}
	m.mu.Lock()
	if m.conn == conn {
		m.conn = nil
	}
	m.mu.Unlock()
	_ = conn.Close() // already broken or hung; nothing more to learn from closing it
}

// Close closes the monitor's connection.
func (m *queueMonitor) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	if m.conn == nil || m.conn.IsClosed() {
		return nil
	}
	err := m.conn.Close()
	m.conn = nil
	if err != nil {
		return fmt.Errorf("messaging: close queue monitor: %w", err)
	}
	return nil
}
