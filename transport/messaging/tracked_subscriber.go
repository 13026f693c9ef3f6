package messaging

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// trackedSubscriber wraps the subscriber of one consumer queue for three reasons:
//
//   - Fan-in. One Subscribe makes one subscription per InnerTopics entry on the inner
//     subscriber (the embedded bus's shard topics; on RabbitMQ the one queue, whose
//     subscriber bounds the messages in hand itself) and merges them into the one
//     channel a Watermill handler reads.
//   - Graceful shutdown. Watermill's router closes the subscriber as soon as it starts
//     closing, and the AMQP subscriber then nacks the message whose handler is still
//     running: the work is done but the ack is lost and the event comes back. Close here
//     first waits (bounded) until every handed-out message is acked or nacked.
//   - Readiness. It knows whether every subscription is live, which /readyz reports as the
//     consumer being attached.
type TrackedSubscriber struct {
	Consumer    string
	Inner       message.Subscriber
	InnerTopics []string     // what to subscribe on inner, merged into one output; nil = the caller's topic
	CloseInner  func() error // nil = inner.Close
	Connected   func() bool  // nil = always connected
	// brokerConsumers asks the broker how many consumers the queue has in all
	// processes; nil = not asked. A connection that is up does not prove that the
	// subscriptions consume again after a reconnect (re-consuming can keep failing, e.g.
	// on a quorum queue without a leader); the broker's count does, at least as far as
	// fewer consumers than this process's own subscriptions prove it has not.
	BrokerConsumers func() (int, error)
	OnAck           func(ctx context.Context) // called with the arriving message's context before it is acked; nil = nothing to record
	DrainTimeout    time.Duration

	InFlight *inFlight

	mu        sync.Mutex
	fanIns    []*fanIn // one per Subscribe whose output is still open
	closed    bool
	closeErr  error
	closeOnce sync.Once
}

// fanIn is one Subscribe call: size inner subscriptions, live of them still delivering.
type fanIn struct {
	size, live int
}

func (s *TrackedSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, fmt.Errorf("messaging: subscriber of %s is closed", s.Consumer)
	}
	s.mu.Unlock()

	topics := s.InnerTopics
	if topics == nil {
		topics = []string{topic}
	}
	// The inner subscriptions outlive ctx until the messages in hand are settled: Watermill's
	// router cancels ctx as it starts closing, while handlers still run, and an inner
	// subscription ending then would let go of their messages (the embedded bus's publisher
	// stops waiting for the ack; RabbitMQ's channel closes and redelivers them). Cancelled
	// after that drain, when subscribing fails part way, or once every inner subscription
	// has ended.
	innerCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		select {
		case <-ctx.Done():
			s.InFlight.wait(s.DrainTimeout)
			cancel()
		case <-innerCtx.Done():
		}
	}()
	ins := make([]<-chan *message.Message, 0, len(topics))
	for i, t := range topics {
		in, err := s.Inner.Subscribe(innerCtx, t)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("messaging: subscribe %s to %s (subscription %d of %d): %w", s.Consumer, t, i+1, len(topics), err)
		}
		ins = append(ins, in)
	}
	fi := &fanIn{size: len(ins), live: len(ins)}
	s.mu.Lock()
	s.fanIns = append(s.fanIns, fi)
	s.mu.Unlock()
	out := make(chan *message.Message)
	var forwarders sync.WaitGroup
	for _, in := range ins {
		forwarders.Go(func() {
			s.forward(in, out)
			s.mu.Lock()
			fi.live--
			s.mu.Unlock()
		})
	}
	go func() {
		forwarders.Wait()
		cancel()
		s.mu.Lock()
		s.fanIns = removeFanIn(s.fanIns, fi)
		s.mu.Unlock()
		close(out)
	}()
	return out, nil
}

func removeFanIn(all []*fanIn, fi *fanIn) []*fanIn {
	for i, f := range all {
		if f == fi {
			return append(all[:i], all[i+1:]...)
		}
	}
	return all
}

// forward hands a copy of every message on and settles the original when the copy is
// settled, in the background, so the next message is not held back by the previous
// one's handler. The copy is what makes onAck reliable: the transport sees the ack only
// after onAck has recorded it.
func (s *TrackedSubscriber) forward(in <-chan *message.Message, out chan<- *message.Message) {
	for original := range in {
		handed := original.CopyWithContext()
		s.InFlight.add()
		go s.settle(original, handed)
		// The router keeps reading until out is closed, even while it shuts down, so
		// this send cannot block forever.
		out <- handed
	}
}

func (s *TrackedSubscriber) settle(original, handed *message.Message) {
	defer s.InFlight.done()
	select {
	case <-handed.Acked():
		if s.OnAck != nil {
			s.OnAck(original.Context())
		}
		original.Ack()
	case <-handed.Nacked():
		original.Nack()
	}
}

// Attachment is nil while every subscription of the consumer is live on a live
// connection; a consumer with one of its subscriptions gone is not attached.
func (s *TrackedSubscriber) Attachment() error {
	s.mu.Lock()
	closed := s.closed
	var complete, partial *fanIn
	for _, fi := range s.fanIns {
		if fi.live == fi.size {
			complete = fi
		} else {
			partial = fi
		}
	}
	var live, size int
	if partial != nil {
		live, size = partial.live, partial.size
	}
	s.mu.Unlock()
	switch {
	case closed:
		return errors.New("subscriber closed")
	case complete == nil && partial != nil:
		return fmt.Errorf("%d of %d subscriptions live", live, size)
	case complete == nil:
		return errors.New("not subscribed to its queue")
	case s.Connected != nil && !s.Connected():
		return errors.New("connection down, reconnecting")
	case s.BrokerConsumers != nil:
		n, err := s.BrokerConsumers()
		if err != nil {
			return fmt.Errorf("cannot ask the broker for the queue's consumers: %w", err)
		}
		if n < complete.size {
			return fmt.Errorf("the broker counts %d consumers on the queue, fewer than this process's %d subscriptions: re-attaching", n, complete.size)
		}
	}
	return nil
}

// Attached reports whether Attachment is nil.
func (s *TrackedSubscriber) Attached() bool { return s.Attachment() == nil }

// Close waits until the messages in flight are settled (up to drainTimeout), then closes
// the underlying subscription.
func (s *TrackedSubscriber) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.InFlight.wait(s.DrainTimeout)
		closeInner := s.CloseInner
		if closeInner == nil {
			closeInner = s.Inner.Close
		}
		if err := closeInner(); err != nil {
			s.closeErr = fmt.Errorf("messaging: close subscriber of %s: %w", s.Consumer, err)
		}
	})
	return s.closeErr
}

// CheckNewSubscriber is what every bus checks, under its lock, before it subscribes
// consumer: a valid name and concurrency, an open bus, and no subscriber of the
// consumer yet (one per consumer and bus).
func CheckNewSubscriber(consumer string, concurrency int, busClosed bool, subscribers map[string]*TrackedSubscriber) error {
	if err := ValidateConsumerName(consumer); err != nil {
		return err
	}
	if err := ValidateConcurrency(consumer, concurrency); err != nil {
		return err
	}
	if busClosed {
		return errors.New("messaging: bus is closed")
	}
	if _, dup := subscribers[consumer]; dup {
		return fmt.Errorf("messaging: consumer %s already has a subscriber on this bus", consumer)
	}
	return nil
}

// MarkClosed sets a bus's closed flag under its lock and reports whether this call
// closed it, so that the bus's Close runs once. Once it returns true, no subscriber is
// added any more (CheckNewSubscriber refuses), so the bus may read its subscribers
// without the lock.
func MarkClosed(mu *sync.Mutex, closed *bool) bool {
	mu.Lock()
	defer mu.Unlock()
	first := !*closed
	*closed = true
	return first
}
