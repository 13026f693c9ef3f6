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
	"github.com/planstore/planstore/internal/defaults"
)

// Topic is the topic the relay subscribes to: the first of the subscriber's streams
// (StreamTopic), and the only one unless SubscriberConfig.Streams says more.
const Topic = "planstore.outbox"

// StreamTopic is the topic of stream k of a subscriber (see SubscriberConfig.Streams).
func StreamTopic(k int) string {
	if k == 0 {
		return Topic
	}
	return fmt.Sprintf("%s.%d", Topic, k)
}

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
	// Streams is how many subscriptions (topics StreamTopic(0..Streams-1)) hand out the
	// lanes' entries (default 1): lane l uses stream l % Streams. A Watermill handler
	// takes a subscription's messages through a chain of goroutines; on a CPU shared with
	// a busy HTTP server one chain gets one goroutine's share of the scheduler, and the
	// relay falls behind the writes. Several streams, each with its own handler, do not.
	Streams int
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
	// OnLeading, when set, is told whenever the subscriber starts or stops reading the
	// outbox (for a metric); without a Leader it is told true once reading starts.
	OnLeading func(leading bool)
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
	c.ReadBatch = defaults.Positive(c.ReadBatch, 256)
	c.ReadWait = defaults.Positive(c.ReadWait, time.Second)
	c.Lanes = defaults.Positive(c.Lanes, 64)
	c.Streams = defaults.Positive(c.Streams, 1)
	c.MaxBuffered = defaults.Positive(c.MaxBuffered, 4096)
	c.RedeliverMin = defaults.Positive(c.RedeliverMin, 100*time.Millisecond)
	c.RedeliverMax = defaults.Positive(c.RedeliverMax, 10*time.Second)
	c.AckBatch = defaults.Positive(c.AckBatch, 256)
	c.AckInterval = defaults.Positive(c.AckInterval, 5*time.Millisecond)
	c.CloseTimeout = defaults.Positive(c.CloseTimeout, 30*time.Second)
	c.MaxBuffered = max(c.MaxBuffered, 2*c.ReadBatch) // room to read a batch while one is relayed
	return c, nil
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
	subscribed bool                    // the run has started
	outs       []chan *message.Message // the run's streams
	taken      []bool                  // which streams have a subscription
	standby    bool                    // waiting to lead (see SubscriberConfig.Leader)
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

// Subscribe returns stream k of the outbox (topic StreamTopic(k)), one subscription per
// stream. The first subscription starts the relaying, under its ctx: it ends when that
// ctx is cancelled or Close is called, and messages in flight are then given
// CloseTimeout to be acked. Until all streams are subscribed, the lanes of the missing
// ones wait.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	k := -1
	for i := range s.cfg.Streams {
		if StreamTopic(i) == topic {
			k = i
		}
	}
	if k < 0 {
		return nil, fmt.Errorf("outbox: unknown topic %q (the subscriber's %d streams are %q to %q)", topic, s.cfg.Streams, StreamTopic(0), StreamTopic(s.cfg.Streams-1))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("outbox: subscriber closed")
	}
	if !s.subscribed {
		s.subscribed = true
		s.outs = make([]chan *message.Message, s.cfg.Streams)
		for i := range s.outs {
			s.outs[i] = make(chan *message.Message)
		}
		s.taken = make([]bool, s.cfg.Streams)
		runCtx, stop := context.WithCancel(ctx)
		s.stop = stop
		s.done = make(chan struct{})
		go newRun(s, runCtx, s.outs).run()
	}
	if s.taken[k] {
		return nil, fmt.Errorf("outbox: %s already subscribed; the outbox has one reader per subscriber", topic)
	}
	s.taken[k] = true
	return s.outs[k], nil
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
