package outbox

import (
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
)

// A lane is one chain of delivery: its next entry is handed out only after the previous
// one was acked. Every event of a plan maps to the same lane, and lanes are filled in
// the order the outbox returns entries (commit order within a store partition, and a
// plan lives in one partition), so a plan's events reach the bus in version order.
// Lanes relay in parallel.
//
// Lanes rather than the store's partitions, because the publish of one event waits for
// the broker's confirm (an fsync on RabbitMQ) and one chain per partition caps the
// relay at partitions/confirm-latency: with 16 partitions that is well below the target.
// Lanes split the partitions further, by the same hash of the plan id, so more publishes
// wait for their confirms at once while per-plan order is kept. The embedded store has a
// single partition; lanes give it parallelism too.
type lane struct {
	queue []events.LogEntry       // head is the entry being delivered
	wake  chan struct{}           // signalled when queue grows
	out   chan<- *message.Message // the stream the lane hands its entries out on
}

// laneOf is the lane of an entry: a stable hash of its plan id.
func laneOf(e events.LogEntry, lanes int) int {
	return events.PartitionOf(e.Event.AggregateID, lanes)
}

// deliverLane is the chain of one lane: hand out the head entry, wait for its ack
// (redelivering after nacks), then the next.
func (r *run) deliverLane(l *lane) {
	defer r.workers.Done()
	for {
		entry, ok := r.head(l)
		if !ok {
			return
		}
		if !r.deliver(l, entry) {
			return
		}
		r.mu.Lock()
		l.queue = l.queue[1:]
		r.buffered--
		r.mu.Unlock()
		signal(r.space)
		r.acks.add(entry)
	}
}

// head waits for the lane's next entry; false once the run stops.
func (r *run) head(l *lane) (events.LogEntry, bool) {
	for {
		if r.ctx.Err() != nil {
			return events.LogEntry{}, false
		}
		r.mu.Lock()
		if len(l.queue) > 0 {
			e := l.queue[0]
			r.mu.Unlock()
			return e, true
		}
		r.mu.Unlock()
		select {
		case <-l.wake:
		case <-r.ctx.Done():
			return events.LogEntry{}, false
		}
	}
}

// deliver hands the entry out until it is acked; false when the run stops first (the
// entry stays unacknowledged in the outbox and is relayed after a restart).
func (r *run) deliver(l *lane, e events.LogEntry) bool {
	retry := backoff{min: r.cfg.RedeliverMin, max: r.cfg.RedeliverMax}
	for attempt := 1; ; attempt++ {
		msg, err := eventMessage(r.cfg.Codec, e)
		if err != nil {
			// Cannot happen for an envelope the store decoded; never skip it silently.
			r.logger.Error("outbox entry cannot be encoded; retrying", "event_id", e.Event.ID, "partition", e.Partition, "position", e.Position, "error", err)
			if !retry.sleep(r.ctx, attempt) {
				return false
			}
			continue
		}
		messaging.SetLogPosition(msg, e.Partition, e.Position)
		msg.SetContext(withAttempt(r.msgCtx, attempt))
		select {
		case l.out <- msg:
		case <-r.ctx.Done():
			return false
		}
		select {
		case <-msg.Acked():
			return true
		case <-msg.Nacked():
		case <-r.abandon:
			r.logger.Warn("shutdown timeout: leaving an event in flight to be relayed after restart", "event_id", e.Event.ID)
			return false
		}
		// The relay handler logged the failure; the lane only waits.
		if !retry.sleep(r.ctx, attempt) {
			return false
		}
	}
}

// eventMessage is the message of an outbox entry: the store's own encoding of the event
// when it has one (no second encoding per event), else the codec's.
func eventMessage(codec *events.Codec, e events.LogEntry) (*message.Message, error) {
	if e.Encoded != nil {
		return messaging.NewEncodedEventMessage(e.Event, e.Encoded)
	}
	return messaging.NewEventMessage(codec, e.Event)
}
