package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/planstore/planstore/events"
)

// run is one subscription: a reader filling the lanes' queues, one delivery chain per
// lane, and an acker writing acknowledgements back in batches.
type run struct {
	s      *Subscriber
	cfg    SubscriberConfig
	logger *slog.Logger
	ctx    context.Context         // cancelled to stop reading and delivering
	outs   []chan *message.Message // one per stream (SubscriberConfig.Streams)
	msgCtx context.Context         // context of the messages: the run's values, never cancelled,
	// so that publishes in flight when shutdown starts can still complete
	abandon chan struct{} // closed CloseTimeout after ctx ends: stop waiting for acks

	mu       sync.Mutex
	lanes    map[int]*lane
	known    map[entryKey]struct{} // read and not yet acknowledged to the outbox
	buffered int                   // entries in lane queues
	space    chan struct{}         // signalled when buffered drops
	workers  sync.WaitGroup

	acks *acker
}

type entryKey struct {
	partition int
	position  string
}

func keyOf(e events.LogEntry) entryKey { return entryKey{e.Partition, e.Position} }

func newRun(s *Subscriber, ctx context.Context, outs []chan *message.Message) *run {
	r := &run{
		s:       s,
		cfg:     s.cfg,
		logger:  s.cfg.Logger.With("component", "outbox-subscriber", "reader", s.cfg.Reader),
		ctx:     ctx,
		outs:    outs,
		msgCtx:  context.WithoutCancel(ctx),
		abandon: make(chan struct{}),
		lanes:   map[int]*lane{},
		known:   map[entryKey]struct{}{},
		space:   make(chan struct{}, 1),
	}
	r.acks = newAcker(r)
	return r
}

func (r *run) run() {
	defer close(r.s.done)
	go r.acks.loop()
	go func() {
		<-r.ctx.Done()
		select {
		case <-time.After(r.cfg.CloseTimeout):
			close(r.abandon)
		case <-r.s.done:
		}
	}()
	r.read()
	// Reading stopped: let the lanes settle what they handed out, then flush the acks.
	r.wakeAll()
	r.workers.Wait()
	r.acks.stopAndFlush()
	for _, out := range r.outs {
		close(out)
	}
}

// read fills the lane queues until the run stops (or, with a Leader, this relay stops
// leading).
func (r *run) read() {
	if !r.lead() {
		return
	}
	failures := 0
	retry := backoff{min: 100 * time.Millisecond, max: 5 * time.Second}
	for {
		room, ok := r.waitForRoom()
		if !ok {
			return
		}
		entries, err := r.cfg.Outbox.ReadOutbox(r.ctx, r.cfg.Reader, min(room, r.cfg.ReadBatch), r.cfg.ReadWait)
		if r.ctx.Err() != nil {
			return // whatever came back is handed out again after a restart
		}
		if err != nil {
			failures++
			r.s.setReadErr(err)
			r.logger.Error("reading the outbox failed; retrying", "error", err, "attempt", failures)
			if !retry.sleep(r.ctx, failures) {
				return
			}
			continue
		}
		if failures > 0 {
			r.logger.Info("reading the outbox again", "after_failures", failures)
			failures = 0
		}
		r.s.setReadErr(nil)
		r.enqueue(entries)
	}
}

// waitForRoom returns how many more entries may be buffered, waiting until a whole
// batch fits: reading one entry per freed slot would cost a round trip per event.
func (r *run) waitForRoom() (int, bool) {
	for {
		r.mu.Lock()
		room := r.cfg.MaxBuffered - r.buffered
		r.mu.Unlock()
		if room >= r.cfg.ReadBatch {
			return room, r.ctx.Err() == nil
		}
		select {
		case <-r.space:
		case <-r.ctx.Done():
			return 0, false
		}
	}
}

// enqueue appends entries to their lanes' queues, skipping any already known: the
// outbox may hand out an entry again (a Redis re-claim) while this run still holds it.
func (r *run) enqueue(entries []events.LogEntry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range entries {
		k := keyOf(e)
		if _, dup := r.known[k]; dup {
			continue
		}
		r.known[k] = struct{}{}
		id := laneOf(e, r.cfg.Lanes)
		l := r.lanes[id]
		if l == nil {
			l = &lane{wake: make(chan struct{}, 1), out: r.outs[id%len(r.outs)]}
			r.lanes[id] = l
			r.workers.Add(1)
			go r.deliverLane(l)
		}
		l.queue = append(l.queue, e)
		r.buffered++
		signal(l.wake)
	}
}

func (r *run) wakeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range r.lanes {
		signal(l.wake)
	}
}

// forget drops acknowledged entries from the known set.
func (r *run) forget(entries []events.LogEntry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range entries {
		delete(r.known, keyOf(e))
	}
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// lead waits until this relay may read the outbox (see SubscriberConfig.Leader), and
// arranges for the run to stop when it no longer may. False: the run stopped first.
func (r *run) lead() bool {
	if r.cfg.Leader == nil {
		r.leading(true)
		return true
	}
	r.s.setStandby(true)
	r.logger.Info("relay on standby: waiting to lead the outbox")
	lost, err := r.cfg.Leader.Lead(r.ctx)
	r.s.setStandby(false)
	if err != nil {
		return false // the run is stopping
	}
	r.logger.Info("relay leads the outbox")
	r.leading(true)
	go func() {
		defer r.leading(false)
		select {
		case err := <-lost:
			if r.ctx.Err() == nil {
				// Another relay may read now: hand out nothing more. What is in flight is
				// acked or left for the next leader, which reads it again.
				r.logger.Error("relay lost the lead of the outbox; stopping", "error", err)
				r.s.setReadErr(fmt.Errorf("lost the lead: %w", err))
				r.s.stopRun()
			}
		case <-r.ctx.Done():
		}
	}()
	return true
}

// leading reports to SubscriberConfig.OnLeading.
func (r *run) leading(leading bool) {
	if r.cfg.OnLeading != nil {
		r.cfg.OnLeading(leading)
	}
}
