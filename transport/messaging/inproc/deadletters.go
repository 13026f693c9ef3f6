package inproc

import (
	"context"
	"fmt"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/planstore/planstore/transport/messaging"
)

// maxEmbeddedDeadLetters bounds the dead letters the embedded bus keeps per consumer;
// past it the oldest is dropped (it is still in the event log, which a replay re-feeds).
const maxEmbeddedDeadLetters = 10_000

// embeddedDeadLetters keeps an embedded consumer's dead letters in memory: embedded mode
// has no broker, and the events stay in the event log, so a restart that forgets them
// loses nothing a replay cannot restore.
type embeddedDeadLetters struct {
	mu   sync.Mutex
	msgs map[string][]*message.Message // by consumer, oldest first
}

type embeddedDeadLetterPublisher struct {
	bus      *Bus
	consumer string
}

func (p embeddedDeadLetterPublisher) Publish(_ string, msgs ...*message.Message) error {
	d := &p.bus.deadLetters
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, m := range msgs {
		q := append(d.msgs[p.consumer], m.Copy())
		if len(q) > maxEmbeddedDeadLetters {
			q = q[len(q)-maxEmbeddedDeadLetters:]
		}
		d.msgs[p.consumer] = q
	}
	return nil
}

func (embeddedDeadLetterPublisher) Close() error { return nil }

// DeadLetters returns the dead-letter tooling of this bus.
func (b *Bus) DeadLetters() messaging.DeadLetterQueues { return embeddedDeadLetterQueues{b} }

type embeddedDeadLetterQueues struct{ bus *Bus }

func (q embeddedDeadLetterQueues) List(_ context.Context, consumer string, limit int) ([]messaging.DeadLetter, error) {
	d := &q.bus.deadLetters
	d.mu.Lock()
	defer d.mu.Unlock()
	msgs := d.msgs[consumer]
	out := make([]messaging.DeadLetter, 0, min(limit, len(msgs)))
	for _, m := range msgs[:min(limit, len(msgs))] {
		out = append(out, messaging.DeadLetterOf(consumer, m))
	}
	return out, nil
}

func (q embeddedDeadLetterQueues) Get(_ context.Context, consumer, id string) (messaging.DeadLetter, error) {
	m, _, err := q.find(consumer, id, false)
	if err != nil {
		return messaging.DeadLetter{}, err
	}
	return messaging.DeadLetterOf(consumer, m), nil
}

func (q embeddedDeadLetterQueues) Discard(_ context.Context, consumer, id string) error {
	_, _, err := q.find(consumer, id, true)
	return err
}

// Redeliver publishes the message to the consumer alone, on its redelivery topic, and
// waits for its acknowledgement (or its return to the dead letters).
func (q embeddedDeadLetterQueues) Redeliver(_ context.Context, consumer, id string) error {
	m, _, err := q.find(consumer, id, true)
	if err != nil {
		return err
	}
	msg := m.Copy()
	r := q.bus.newReceipt([]string{consumer})
	msg.SetContext(withReceipt(context.Background(), r))
	err = q.bus.pubSub.Publish(redeliveryTopic(consumer), msg)
	missing := r.close()
	if err == nil && len(missing) > 0 {
		err = fmt.Errorf("consumer %s is not attached", consumer)
	}
	if err != nil {
		// Put it back, so that nothing is lost.
		_ = embeddedDeadLetterPublisher{bus: q.bus, consumer: consumer}.Publish("", m)
		return fmt.Errorf("messaging: redeliver %s: %w", id, err)
	}
	return nil
}

func (q embeddedDeadLetterQueues) find(consumer, id string, remove bool) (*message.Message, int, error) {
	d := &q.bus.deadLetters
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, m := range d.msgs[consumer] {
		if m.UUID == id {
			if remove {
				d.msgs[consumer] = append(d.msgs[consumer][:i:i], d.msgs[consumer][i+1:]...)
			}
			return m, i, nil
		}
	}
	return nil, 0, fmt.Errorf("%w: %s of consumer %s", messaging.ErrDeadLetterNotFound, id, consumer)
}

// redeliveryTopic is where the embedded bus sends one consumer a redelivered dead letter.
func redeliveryTopic(consumer string) string { return messaging.QueueName(consumer) + ".redeliver" }
