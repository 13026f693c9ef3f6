package presence

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Probe measures what this instance's consumers see right now. It is called once per
// heartbeat and must return within the context's deadline.
type Probe func(ctx context.Context) Report

// Report is what a Probe measured.
type Report struct {
	Consumers     []Consumer
	Relay         string
	OutboxBacklog *int64
}

// Announcer sends the heartbeat of one instance.
type Announcer struct {
	store  Store
	self   Instance
	probe  Probe
	logger *slog.Logger

	mu      sync.Mutex
	history map[string][]Sample
	sampled time.Time

	stop chan struct{}
	done chan struct{}
}

// NewAnnouncer returns the announcer of self (ID, Role, Version, Addr, Host, PID and
// StartedAt set); probe may be nil for an instance without consumers.
func NewAnnouncer(store Store, self Instance, probe Probe, logger *slog.Logger) *Announcer {
	if probe == nil {
		probe = func(context.Context) Report { return Report{} }
	}
	return &Announcer{
		store: store, self: self, probe: probe, logger: logger,
		history: map[string][]Sample{}, stop: make(chan struct{}), done: make(chan struct{}),
	}
}

// Start sends the first heartbeat now and then one every HeartbeatInterval until Stop.
func (a *Announcer) Start(ctx context.Context) {
	err := a.beat(ctx)
	if err != nil {
		a.logger.Warn("heartbeat failed; other instances will see this one as down", slog.Any("error", err))
	}
	go func() {
		defer close(a.done)
		tick := time.NewTicker(HeartbeatInterval)
		defer tick.Stop()
		failing := err != nil
		for {
			select {
			case <-a.stop:
				return
			case <-tick.C:
			}
			err := a.beat(context.WithoutCancel(ctx))
			if err != nil && !failing {
				a.logger.Warn("heartbeat failed; other instances will see this one as down", slog.Any("error", err))
			} else if err == nil && failing {
				a.logger.Info("heartbeat sent again")
			}
			failing = err != nil
		}
	}()
}

// Stop ends the heartbeat and announces the instance stopped, so that the view tells a
// clean shutdown from a death.
func (a *Announcer) Stop(ctx context.Context) error {
	close(a.stop)
	<-a.done
	i := a.snapshot(Report{}, time.Now())
	i.Stopped = true
	return a.store.Put(ctx, i)
}

func (a *Announcer) beat(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, HeartbeatInterval)
	defer cancel()
	now := time.Now()
	return a.store.Put(ctx, a.snapshot(a.probe(ctx), now))
}

// snapshot is the instance as announced now, with each consumer's lag history.
func (a *Announcer) snapshot(r Report, now time.Time) Instance {
	a.mu.Lock()
	defer a.mu.Unlock()
	takeSample := now.Sub(a.sampled) >= sampleEvery
	if takeSample {
		a.sampled = now
	}
	i := a.self
	i.LastSeen = now
	i.Relay = r.Relay
	i.OutboxBacklog = r.OutboxBacklog
	i.Consumers = make([]Consumer, 0, len(r.Consumers))
	for _, c := range r.Consumers {
		h := a.history[c.Name]
		if takeSample && (c.LagSeconds != nil || c.QueueDepth != nil) {
			s := Sample{At: now.UTC()}
			if c.LagSeconds != nil {
				s.LagSeconds = *c.LagSeconds
			}
			if c.QueueDepth != nil {
				s.QueueDepth = *c.QueueDepth
			}
			h = append(h, s)
			if len(h) > keepSamples {
				h = h[len(h)-keepSamples:]
			}
			a.history[c.Name] = h
		}
		c.History = append([]Sample(nil), h...)
		i.Consumers = append(i.Consumers, c)
	}
	return i
}
