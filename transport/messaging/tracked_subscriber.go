package messaging

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// trackedSubscriber wraps the subscriber of one consumer queue for two reasons:
//
//   - Graceful shutdown. Watermill's router closes the subscriber as soon as it starts
//     closing, and the AMQP subscriber then nacks the message whose handler is still
//     running: the work is done but the ack is lost and the event comes back. Close here
//     first waits (bounded) until every handed-out message is acked or nacked.
//   - Readiness. It knows whether a subscription is live, which /readyz reports as the
//     consumer being attached.
type trackedSubscriber struct {
	consumer     string
	inner        message.Subscriber
	innerTopics  []string                  // what to subscribe on inner, merged into one output; nil = the caller's topic
	closeInner   func() error              // nil = inner.Close
	connected    func() bool               // nil = always connected
	onAck        func(ctx context.Context) // called with the arriving message's context before it is acked; nil = nothing to record
	drainTimeout time.Duration

	inFlight *inFlight

	mu        sync.Mutex
	live      int // subscriptions whose output is still open
	closed    bool
	closeErr  error
	closeOnce sync.Once
}

func (s *trackedSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, fmt.Errorf("messaging: subscriber of %s is closed", s.consumer)
	}
	s.mu.Unlock()

	topics := s.innerTopics
	if topics == nil {
		topics = []string{topic}
	}
	ins := make([]<-chan *message.Message, 0, len(topics))
	for _, t := range topics {
		in, err := s.inner.Subscribe(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("messaging: subscribe %s to %s: %w", s.consumer, t, err)
		}
		ins = append(ins, in)
	}
	out := make(chan *message.Message)
	s.mu.Lock()
	s.live++
	s.mu.Unlock()
	var forwarders sync.WaitGroup
	for _, in := range ins {
		forwarders.Go(func() { s.forward(in, out) })
	}
	go func() {
		forwarders.Wait()
		s.mu.Lock()
		s.live--
		s.mu.Unlock()
		close(out)
	}()
	return out, nil
}

// forward hands a copy of every message on and settles the original when the copy is
// settled, in the background, so the next message is not held back by the previous
// one's handler. The copy is what makes onAck reliable: the transport sees the ack only
// after onAck has recorded it.
func (s *trackedSubscriber) forward(in <-chan *message.Message, out chan<- *message.Message) {
	for original := range in {
		handed := original.CopyWithContext()
		s.inFlight.add()
		go s.settle(original, handed)
		// The router keeps reading until out is closed, even while it shuts down, so
		// this send cannot block forever.
		out <- handed
	}
}

func (s *trackedSubscriber) settle(original, handed *message.Message) {
	defer s.inFlight.done()
	select {
	case <-handed.Acked():
		if s.onAck != nil {
			s.onAck(original.Context())
		}
		original.Ack()
	case <-handed.Nacked():
		original.Nack()
	}
}

// Attached reports whether the consumer has a live subscription on a live connection.
func (s *trackedSubscriber) Attached() bool {
	s.mu.Lock()
	live := s.live > 0 && !s.closed
	s.mu.Unlock()
	return live && (s.connected == nil || s.connected())
}

// Close waits until the messages in flight are settled (up to drainTimeout), then closes
// the underlying subscription.
func (s *trackedSubscriber) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.inFlight.wait(s.drainTimeout)
		closeInner := s.closeInner
		if closeInner == nil {
			closeInner = s.inner.Close
		}
		if err := closeInner(); err != nil {
			s.closeErr = fmt.Errorf("messaging: close subscriber of %s: %w", s.consumer, err)
		}
	})
	return s.closeErr
}
