package outbox

import (
	"context"
	"sync"
	"time"

	"github.com/planstore/planstore/events"
)

// acker writes acknowledgements back to the outbox in batches: with lanes relaying
// in parallel, one AckOutbox call per few milliseconds instead of one per event keeps the
// store's load flat. An ack lost in a crash only means the event is relayed once more.
type acker struct {
	r       *run
	mu      sync.Mutex
	pending []events.LogEntry
	kick    chan struct{} // first entry of a batch arrived
	full    chan struct{} // batch is full
	stop    chan struct{}
	stopped chan struct{}
}

const ackCallTimeout = 10 * time.Second

func newAcker(r *run) *acker {
	return &acker{
		r:       r,
		kick:    make(chan struct{}, 1),
		full:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
}

func (a *acker) add(e events.LogEntry) {
	a.mu.Lock()
	a.pending = append(a.pending, e)
	n := len(a.pending)
	a.mu.Unlock()
	if n == 1 {
		signal(a.kick)
	}
	if n >= a.r.cfg.AckBatch {
		signal(a.full)
	}
}

func (a *acker) loop() {
	defer close(a.stopped)
	failures := 0
	retry := backoff{min: 100 * time.Millisecond, max: 5 * time.Second}
	for {
		select {
		case <-a.kick:
		case <-a.full:
		case <-a.stop:
			return
		}
		// Let the other lanes' acks join the batch.
		wait := time.NewTimer(a.r.cfg.AckInterval)
		select {
		case <-wait.C:
		case <-a.full:
		case <-a.stop:
		}
		wait.Stop()
		if err := a.flush(); err != nil {
			failures++
			a.r.logger.Error("acknowledging relayed events to the outbox failed; retrying", "error", err, "attempt", failures)
			signal(a.kick)
			select {
			case <-time.After(retry.delay(failures)):
			case <-a.stop:
				return
			}
			continue
		}
		failures = 0
	}
}

// flush writes every pending ack; on failure they stay pending.
func (a *acker) flush() error {
	a.mu.Lock()
	batch := a.pending
	a.pending = nil
	a.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(a.r.msgCtx, ackCallTimeout)
	defer cancel()
	if err := a.r.cfg.Outbox.AckOutbox(ctx, batch...); err != nil {
		a.mu.Lock()
		a.pending = append(batch, a.pending...)
		a.mu.Unlock()
		return err
	}
	a.r.forget(batch)
	return nil
}

// stopAndFlush ends the loop and writes what is left, trying a few times: entries whose
// ack cannot be written are relayed again after restart.
func (a *acker) stopAndFlush() {
	close(a.stop)
	<-a.stopped
	for attempt := 1; attempt <= 3; attempt++ {
		err := a.flush()
		if err == nil {
			return
		}
		a.r.logger.Error("final acknowledgement to the outbox failed", "error", err, "attempt", attempt)
		time.Sleep(backoff{min: 100 * time.Millisecond, max: time.Second}.delay(attempt))
	}
}
