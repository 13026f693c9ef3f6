package amqp

import (
	"errors"
	"fmt"
	"sync"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-amqp/v2/pkg/amqp"
	"github.com/ThreeDotsLabs/watermill/message"
	amqp091 "github.com/rabbitmq/amqp091-go"
)

var (
	errNoRedial        = errors.New("messaging: publisher connections are replaced, not redialled")
	errPublisherClosed = errors.New("messaging: publisher closed")
)

// replacingPublisher is a watermill-amqp publisher (channel pool, publisher confirms)
// that survives broker restarts by replacing itself rather than reconnecting.
//
// watermill-amqp v2.1.3 reconnects the connection, but its channel pool does not heal: a
// Publish that takes a pooled channel while the connection is down fails to reopen it
// and never returns it to the pool, so after pool-size such failures every Publish blocks
// forever (upstream PR ThreeDotsLabs/watermill-amqp#37). Here each publisher generation
// owns one connection that is never redialled; when that connection closes the whole
// generation is retired, and the next Publish dials a fresh one.
type replacingPublisher struct {
	name   string
	config func() amqp.Config // a new config (and so a new single-dial connection) per generation
	logger watermill.LoggerAdapter

	mu      sync.Mutex
	current *amqp.Publisher
	closed  bool
	bg      sync.WaitGroup // watchers and retirements
}

// newReplacingPublisher dials on first use: a process that never publishes (a consumer
// without poison messages) keeps no idle publisher connection.
func newReplacingPublisher(name string, config func() amqp.Config, logger watermill.LoggerAdapter) *replacingPublisher {
	return &replacingPublisher{name: name, config: config, logger: logger.With(watermill.LogFields{"publisher": name})}
}

// Publish publishes on the current generation, dialling one if there is none. With
// ConfirmDelivery watermill-amqp waits for the broker's confirm of each message before
// Publish returns, so nil means every message is safely in the broker.
func (p *replacingPublisher) Publish(topic string, msgs ...*message.Message) error {
	pub, err := p.acquire()
	if err != nil {
		return err
	}
	if err := pub.Publish(topic, msgs...); err != nil {
		return fmt.Errorf("messaging: %s: publish to %s: %w", p.name, topic, err)
	}
	return nil
}

func (p *replacingPublisher) acquire() (*amqp.Publisher, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errPublisherClosed
	}
	if p.current != nil {
		return p.current, nil
	}
	pub, err := amqp.NewPublisher(p.config(), p.logger)
	if err != nil {
		return nil, fmt.Errorf("messaging: %s: connect: %w", p.name, err)
	}
	p.current = pub
	closed := pub.Connection().NotifyClose(make(chan *amqp091.Error, 1))
	p.bg.Add(1)
	go p.retireWhenClosed(pub, closed)
	return pub, nil
}

func (p *replacingPublisher) retireWhenClosed(pub *amqp.Publisher, closed <-chan *amqp091.Error) {
	defer p.bg.Done()
	cause := <-closed
	p.mu.Lock()
	current := p.current == pub
	if current {
		p.current = nil
	}
	p.mu.Unlock()
	if !current {
		return // Close already took care of it
	}
	p.logger.Error("AMQP publisher connection lost; the next publish reconnects", cause, nil)
	// Closing frees the channel pool: publishes blocked on it return an error.
	if err := closeGeneration(pub); err != nil {
		p.logger.Error("Closing retired AMQP publisher failed", err, nil)
	}
}

// closeGeneration closes a publisher whose connection may be dead. watermill-amqp v2.1.3
// leaves a nil channel in its pool when reopening a channel on a dead connection failed,
// and its Close then panics on it (the second bug of upstream PR #37). The pool has
// already released its waiters at that point; what is left is closing the connection
// wrapper, which stops its reconnect loop.
func closeGeneration(pub *amqp.Publisher) (err error) {
	defer func() {
		if recovered := recover(); recovered != nil {
			err = errors.Join(fmt.Errorf("watermill-amqp panicked closing its channel pool: %v", recovered), pub.ConnectionWrapper.Close())
		}
	}()
	return pub.Close()
}

// Connected reports whether the current generation's connection is up.
func (p *replacingPublisher) Connected() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.current != nil && !p.current.Connection().IsClosed()
}

// Close closes the current generation and waits for retirements in progress.
func (p *replacingPublisher) Close() error {
	pub, first := p.markClosed()
	if !first {
		return nil
	}
	var err error
	if pub != nil {
		if cerr := closeGeneration(pub); cerr != nil {
			err = fmt.Errorf("messaging: close %s: %w", p.name, cerr)
		}
	}
	p.bg.Wait()
	return err
}

// markClosed marks the publisher closed, so no Publish dials again, and takes the current
// generation (nil if none) for Close to close; first is false if it was already closed.
func (p *replacingPublisher) markClosed() (pub *amqp.Publisher, first bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, false
	}
	p.closed = true
	pub, p.current = p.current, nil
	return pub, true
}
