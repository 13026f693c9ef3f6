package amqp

import (
	"sync"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"
)

// ackLinger is how long the ack writer waits after a settlement before it writes, so
// that the settlements of those moments go out as one frame: RabbitMQ's channel process
// then handles one basic.ack with multiple for several deliveries instead of one each.
// It only delays what the broker learns; handlers are not held back (the channel's
// prefetch leaves room for what waits here).
const ackLinger = time.Millisecond

// settlement is a handler's verdict on one delivery of the channel.
type settlement struct {
	tag uint64
	ack bool // false: nack, requeued
}

// deliveryState is where a delivery handed out on the channel stands.
type deliveryState uint8

const (
	deliveryOpen deliveryState = iota
	deliveryAcked
	deliveryNacked
)

// ackWriter settles the deliveries of one channel with as few frames as it can. Acks
// wait until every earlier delivery is settled too, and then go out as one basic.ack
// with multiple for the whole settled prefix. Nacks go out at once, always before an
// ack that would cover their tag, so "multiple" never acks a message meant to return.
// When a delivery stays open for long (a handler retrying), the acks behind it go out
// one by one past maxHeld, so the channel's prefetch never fills with settled messages.
type ackWriter struct {
	ch      ackChannel
	maxHeld int

	mu      sync.Mutex
	settled []settlement // arrived since the last write
	kick    chan struct{}
	stopped chan struct{}
	done    chan struct{}

	// Owned by the writer goroutine.
	pending []uint64 // delivered tags, in delivery (= tag) order, not yet written off
	states  map[uint64]deliveryState
	err     error // the first write that failed: the channel is gone, so are its tags
}

// ackChannel is what ackWriter needs of an AMQP channel.
type ackChannel interface {
	Ack(tag uint64, multiple bool) error
	Nack(tag uint64, multiple, requeue bool) error
}

func newAckWriter(ch ackChannel, maxHeld int) *ackWriter {
	w := &ackWriter{
		ch: ch, maxHeld: max(1, maxHeld),
		kick: make(chan struct{}, 1), stopped: make(chan struct{}), done: make(chan struct{}),
		states: map[uint64]deliveryState{},
	}
	go w.run()
	return w
}

// delivered records a tag handed out, before its handler can settle it.
func (w *ackWriter) delivered(tag uint64) {
	w.mu.Lock()
	w.settled = append(w.settled, settlement{tag: tag | deliveredMark})
	w.mu.Unlock()
}

// deliveredMark flags a settlement entry that only registers a delivery; AMQP delivery
// tags count up from 1 per channel and never reach the top bit.
const deliveredMark = uint64(1) << 63

// settle records a handler's verdict; the writer sends it.
func (w *ackWriter) settle(tag uint64, ack bool) {
	w.mu.Lock()
	w.settled = append(w.settled, settlement{tag: tag, ack: ack})
	w.mu.Unlock()
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// close writes what is settled and stops the writer. Deliveries still open stay
// unacknowledged: the broker returns them to the queue when the channel closes.
func (w *ackWriter) close() error {
	close(w.stopped)
	<-w.done
	return w.err
}

func (w *ackWriter) run() {
	defer close(w.done)
	for {
		select {
		case <-w.kick:
		case <-w.stopped:
			w.write()
			return
		}
		// Let the settlements of the next moments join this write.
		select {
		case <-time.After(ackLinger):
		case <-w.stopped:
		}
		w.write()
	}
}

// write takes every settlement that arrived and sends the frames they call for.
func (w *ackWriter) write() {
	w.mu.Lock()
	batch := w.settled
	w.settled = nil
	w.mu.Unlock()
	if w.err != nil {
		return
	}
	for _, s := range batch {
		switch {
		case s.tag&deliveredMark != 0:
			tag := s.tag &^ deliveredMark
			w.pending = append(w.pending, tag)
			w.states[tag] = deliveryOpen
		case s.ack:
			w.states[s.tag] = deliveryAcked
		default:
			if w.fail(w.ch.Nack(s.tag, false, true)) {
				return
			}
			w.states[s.tag] = deliveryNacked
		}
	}
	w.ackPrefix()
	w.ackHeld()
}

// ackPrefix acks, in one frame, the settled deliveries before the first open one.
func (w *ackWriter) ackPrefix() {
	var last uint64
	n := 0
	for n < len(w.pending) {
		tag := w.pending[n]
		state := w.states[tag]
		if state == deliveryOpen {
			break
		}
		if state == deliveryAcked {
			last = tag
		}
		delete(w.states, tag)
		n++
	}
	w.pending = w.pending[n:]
	if last != 0 {
		w.fail(w.ch.Ack(last, true))
	}
}

// ackHeld acks one by one the acked deliveries behind an open one once more than
// maxHeld of them wait, so a slow handler does not stall the channel.
func (w *ackWriter) ackHeld() {
	held := 0
	for _, tag := range w.pending {
		if w.states[tag] == deliveryAcked {
			held++
		}
	}
	if held <= w.maxHeld {
		return
	}
	kept := w.pending[:0]
	for _, tag := range w.pending {
		if w.states[tag] != deliveryAcked {
			kept = append(kept, tag)
			continue
		}
		if w.fail(w.ch.Ack(tag, false)) {
			return
		}
		delete(w.states, tag)
	}
	w.pending = kept
}

// fail keeps the first error; true when there is one.
func (w *ackWriter) fail(err error) bool {
	if err != nil && w.err == nil {
		w.err = err
	}
	return w.err != nil
}

// Compile-time check that an amqp091 channel can carry the writer's frames.
var _ ackChannel = (*amqp091.Channel)(nil)
