package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/planstore/planstore/events"
)

// Topic is the topic the relay subscribes to; the subscriber has only the one.
const Topic = "planstore.outbox"

// SubscriberConfig configures NewSubscriber. Outbox is required.
type SubscriberConfig struct {
	Outbox Outbox
	// Codec encodes the envelopes into message payloads (default events.NewPlanCodec).
	Codec  *events.Codec
	Logger *slog.Logger
	// Reader names this relay to the outbox (a Redis consumer). It should stay the same
	// across restarts of one relay instance, so the instance takes back its own unacked
	// entries at once instead of after the idle timeout. Default "relay-<hostname>".
	Reader string
	// ReadBatch is the most entries one ReadOutbox call returns (default 256).
	ReadBatch int
	// ReadWait is how long one ReadOutbox call blocks when the outbox is empty (default 1s).
	ReadWait time.Duration
	// Lanes is how many chains of delivery relay in parallel (default 64); events of one
	// plan always share a lane, so they stay in order. See lane.
	Lanes int
	// MaxBuffered caps the entries read and not yet relayed (default 4096).
	MaxBuffered int
	// RedeliverMin and RedeliverMax bound the backoff after a failed publish (defaults
	// 100ms and 10s). The failed lane waits; the others go on.
	RedeliverMin, RedeliverMax time.Duration
	// AckBatch and AckInterval coalesce AckOutbox calls: a batch is written when it is
	// full or AckInterval after its first entry (defaults 256 and 5ms).
	AckBatch    int
	AckInterval time.Duration
	// CloseTimeout bounds how long Close waits for messages in flight (default 30s).
	CloseTimeout time.Duration
	// Leader, when set, is asked before the outbox is read: the relay reads only while
	// it leads, so several relay processes on one shared outbox (Redis) take over from
	// each other instead of racing a plan's events to the bus. Nil: read at once (the
	// embedded store belongs to one process anyway).
	Leader Leader
}

// Leader elects the one relay that reads a shared outbox.
type Leader interface {
	// Lead blocks until this relay leads (or ctx ends); lost then receives why it
	// stopped leading.
	Lead(ctx context.Context) (lost <-chan error, err error)
}

func (c SubscriberConfig) withDefaults() (SubscriberConfig, error) {
	if c.Outbox == nil {
		return c, errors.New("outbox: no Outbox to read")
	}
	if c.Codec == nil {
		codec, err := events.NewPlanCodec()
		if err != nil {
			return c, fmt.Errorf("outbox: codec: %w", err)
		}
		c.Codec = codec
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Reader == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "local"
		}
		c.Reader = "relay-" + host
	}
	setDefault(&c.ReadBatch, 256)
	setDefault(&c.ReadWait, time.Second)
	setDefault(&c.Lanes, 64)
	setDefault(&c.MaxBuffered, 4096)
	setDefault(&c.RedeliverMin, 100*time.Millisecond)
	setDefault(&c.RedeliverMax, 10*time.Second)
	setDefault(&c.AckBatch, 256)
	setDefault(&c.AckInterval, 5*time.Millisecond)
	setDefault(&c.CloseTimeout, 30*time.Second)
	c.MaxBuffered = max(c.MaxBuffered, 2*c.ReadBatch) // room to read a batch while one is relayed
	return c, nil
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Subscriber is a Watermill subscriber over the outbox. Each entry becomes a message
// whose UUID is the event id and whose payload is the encoded envelope (see
// messaging.NewEventMessage). Ack marks the entry relayed (AckOutbox, batched); Nack
// hands the same entry out again after a backoff.
//
// Order: entries travel in lanes (see lane), each handing out its next entry only after
// the previous one was acked; all events of a plan share a lane, so they reach the bus in
// version order, while lanes proceed in parallel.
type Subscriber struct {
	cfg SubscriberConfig

	mu         sync.Mutex
	subscribed bool
	standby    bool // waiting to lead (see SubscriberConfig.Leader)
	closed     bool
	stop       context.CancelFunc // ends the subscription
	done       chan struct{}      // closed when the subscription has fully stopped
	readErr    error              // last ReadOutbox failure, nil after a success
}

// NewSubscriber returns a subscriber over cfg.Outbox.
func NewSubscriber(cfg SubscriberConfig) (*Subscriber, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Subscriber{cfg: cfg}, nil
}

// Subscribe starts relaying the outbox; only Topic and only one subscription at a time.
// The subscription ends when ctx is cancelled or Close is called; messages in flight are
// then given CloseTimeout to be acked.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if topic != Topic {
		return nil, fmt.Errorf("outbox: unknown topic %q (only %q)", topic, Topic)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("outbox: subscriber closed")
	}
	if s.subscribed {
		return nil, errors.New("outbox: already subscribed; the outbox has one reader per subscriber")
	}
	s.subscribed = true
	runCtx, stop := context.WithCancel(ctx)
	s.stop = stop
	s.done = make(chan struct{})
	out := make(chan *message.Message)
	r := newRun(s, runCtx, out)
	go r.run()
	return out, nil
}

// Close ends the subscription and waits until it has stopped.
func (s *Subscriber) Close() error {
	s.mu.Lock()
	s.closed = true
	stop, done := s.stop, s.done
	s.mu.Unlock()
	if stop == nil {
		return nil
	}
	stop()
	<-done
	return nil
}

// Standby reports whether the subscriber is waiting for its turn to lead.
func (s *Subscriber) Standby() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.standby
}

func (s *Subscriber) setStandby(standby bool) {
	s.mu.Lock()
	s.standby = standby
	s.mu.Unlock()
}

// Ready is nil while the outbox is being read successfully, and while a standby relay
// waits for its turn (it is healthy, and ready to take over).
func (s *Subscriber) Ready() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return errors.New("outbox reader closed")
	case !s.subscribed:
		return errors.New("outbox reader not started")
	case s.readErr != nil:
		return fmt.Errorf("outbox unreadable: %w", s.readErr)
	}
	return nil
}

// stopRun ends the subscription without closing the subscriber.
func (s *Subscriber) stopRun() {
	s.mu.Lock()
	stop := s.stop
	s.mu.Unlock()
	if stop != nil {
		stop()
	}
}

func (s *Subscriber) setReadErr(err error) {
	s.mu.Lock()
	s.readErr = err
	s.mu.Unlock()
}
