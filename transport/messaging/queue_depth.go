package messaging

import (
	"context"

	"github.com/planstore/planstore/internal/periodic"
)

// depthSource is a consumer whose queue depth the router polls, and the bus it is on.
type depthSource struct {
	consumer string
	bus      Bus
	failing  bool // the last poll failed; only the poller goroutine touches it
}

// WatchQueueDepth adds consumer to the consumers whose queue depth Run polls
// (planstore_consumer_queue_depth). AddConsumer does it for its consumer; the relay's
// process does it for every consumer it publishes to, so that the events waiting for a
// consumer that is down are seen. Call before Run.
func (r *Router) WatchQueueDepth(bus Bus, consumer string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range r.depths {
		if d.consumer == consumer {
			return // serve runs the relay and the consumer on one router
		}
	}
	r.depths = append(r.depths, depthSource{consumer: consumer, bus: bus})
}

// pollQueueDepths sets planstore_consumer_queue_depth of every consumer now and every
// QueueDepthInterval until ctx ends.
func (r *Router) pollQueueDepths(ctx context.Context) {
	r.mu.Lock()
	sources := append([]depthSource(nil), r.depths...)
	r.mu.Unlock()
	if len(sources) == 0 {
		return
	}
	poll := func() {
		for i := range sources {
			r.pollQueueDepth(ctx, &sources[i])
		}
	}
	poll()
	periodic.Every(ctx, r.cfg.QueueDepthInterval, poll)
}

// pollQueueDepth asks the bus once. While the bus cannot tell (the broker is down), the
// consumer's gauge is removed rather than left at a stale value; the failure is logged
// when it starts and when it ends, not every poll, since /readyz already reports a broker
// that is down.
func (r *Router) pollQueueDepth(running context.Context, s *depthSource) {
	ctx, cancel := context.WithTimeout(running, r.cfg.QueueDepthInterval)
	defer cancel()
	n, err := s.bus.QueueDepth(ctx, s.consumer)
	gauge := r.metrics.queueDepth
	switch {
	case err != nil && running.Err() != nil:
		return // the router is stopping
	case err != nil:
		gauge.DeleteLabelValues(s.consumer)
		if !s.failing {
			r.logger.Warn("queue depth unavailable", "consumer", s.consumer, "error", err)
		}
		s.failing = true
	default:
		gauge.WithLabelValues(s.consumer).Set(float64(n))
		if s.failing {
			r.logger.Info("queue depth available again", "consumer", s.consumer, "depth", n)
		}
		s.failing = false
	}
}
