package amqp

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/ThreeDotsLabs/watermill/message"
	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/planstore/planstore/transport/messaging"
)

// pipelinedGeneration is one generation of the events publisher: one connection and a
// few channels in confirm mode, on which any number of publishes wait for their
// confirms at once.
//
// watermill-amqp's publisher waits for each message's confirm before its channel takes
// the next publish, so the relay's lanes needed a channel each (64), every message cost
// the broker a channel process's turn and a confirm of its own, and the client a pool
// hand-over. Here a publish takes a channel only to write its frames; the broker confirms
// whatever it has written to disk since the last confirm in one frame (multiple=true),
// which the client resolves for every waiting publish at once. Publish still returns nil
// only after the broker confirmed every one of its messages, so the relay marks an
// outbox entry relayed exactly as before: once the event is safe in the broker.
type pipelinedGeneration struct {
	conn      *amqp091.Connection
	channels  []*amqp091.Channel
	next      atomic.Uint32
	marshaler marshaler
	closed    chan *amqp091.Error // the connection's or any channel's close
}

// dialPipelined opens a generation of channels channels on one connection to nodes
// (dialled once, see singleDialConnection) and declares the events exchange.
func dialPipelined(nodes *brokerNodes, name string, channels int) (*pipelinedGeneration, error) {
	cc := singleDialConnection(nodes, name)
	conn, err := amqp091.DialConfig(cc.AmqpURI, *cc.AmqpConfig)
	if err != nil {
		return nil, err
	}
	g := &pipelinedGeneration{conn: conn, marshaler: newMarshaler(), closed: make(chan *amqp091.Error, channels+1)}
	forward := func(c chan *amqp091.Error) {
		if cause, ok := <-c; ok {
			g.closed <- cause
		} else {
			g.closed <- amqp091.ErrClosed
		}
	}
	go forward(conn.NotifyClose(make(chan *amqp091.Error, 1)))
	for range max(1, channels) {
		ch, err := g.openChannel()
		if err != nil {
			return nil, errors.Join(err, conn.Close())
		}
		// A channel closed by the broker (a channel error) retires the generation too:
		// the next Publish dials afresh rather than publishing on a dead channel.
		go forward(ch.NotifyClose(make(chan *amqp091.Error, 1)))
		g.channels = append(g.channels, ch)
	}
	return g, nil
}

func (g *pipelinedGeneration) openChannel() (*amqp091.Channel, error) {
	ch, err := g.conn.Channel()
	if err != nil {
		return nil, err
	}
	if err := ch.Confirm(false); err != nil {
		return nil, err
	}
	if err := ch.ExchangeDeclare(messaging.ExchangeName, "topic", true, false, false, false, nil); err != nil {
		return nil, fmt.Errorf("declare exchange %s: %w", messaging.ExchangeName, err)
	}
	return ch, nil
}

// Publish publishes msgs with routing key topic (the event type, see routeByEventType)
// on the events exchange, in order on one channel, and returns once the broker confirmed
// them all: an error if it refused one (nack) or the channel closed first.
func (g *pipelinedGeneration) Publish(topic string, msgs ...*message.Message) error {
	ch := g.channels[int(g.next.Add(1))%len(g.channels)]
	confirms := make([]*amqp091.DeferredConfirmation, 0, len(msgs))
	for _, msg := range msgs {
		publishing, err := g.marshaler.Marshal(msg)
		if err != nil {
			return fmt.Errorf("marshal message %s: %w", msg.UUID, err)
		}
		dc, err := ch.PublishWithDeferredConfirmWithContext(msg.Context(), messaging.ExchangeName, topic, false, false, publishing)
		if err != nil {
			return fmt.Errorf("publish message %s: %w", msg.UUID, err)
		}
		confirms = append(confirms, dc)
	}
	for i, dc := range confirms {
		if !dc.Wait() {
			// A nack, or the channel closed before the confirm: either way not safe.
			return fmt.Errorf("delivery not confirmed for message %s", msgs[i].UUID)
		}
	}
	return nil
}

// Closed receives why the generation ended: its connection or one of its channels
// closed.
func (g *pipelinedGeneration) Closed() <-chan *amqp091.Error { return g.closed }

// Connected reports whether the connection is up.
func (g *pipelinedGeneration) Connected() bool { return !g.conn.IsClosed() }

// Close closes the connection, and with it the channels: publishes waiting for a
// confirm return an error.
func (g *pipelinedGeneration) Close() error {
	if err := g.conn.Close(); err != nil && !errors.Is(err, amqp091.ErrClosed) {
		return err
	}
	return nil
}
