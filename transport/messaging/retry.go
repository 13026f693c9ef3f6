package messaging

import (
	"errors"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/planstore/planstore/internal/defaults"
)

// RetryPolicy bounds how long a consumer keeps retrying one event in process before the
// event goes to the consumer's dead-letter queue. Retries happen in process, not through
// the broker, so the next event of the queue (maybe the next version of the same plan)
// cannot overtake the one being retried.
type RetryPolicy struct {
	MaxRetries      int           // retries after the first attempt
	InitialInterval time.Duration // wait before the first retry
	MaxInterval     time.Duration // cap of the exponential backoff
	Multiplier      float64       // growth of the wait between retries
}

// DefaultRetryPolicy retries 5 times over about 3 seconds (0.1, 0.2, 0.4, 0.8, 1.6 s with
// jitter): long enough to ride out a blip of the read-model backend, short enough that one
// poison event does not hold its queue for long.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 5, InitialInterval: 100 * time.Millisecond, MaxInterval: 5 * time.Second, Multiplier: 2}
}

// withDefaults fills the unset fields. The zero policy is DefaultRetryPolicy; a negative
// MaxRetries means no retries at all.
func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p == (RetryPolicy{}) {
		return d
	}
	p.MaxRetries = max(p.MaxRetries, 0)
	p.InitialInterval = defaults.Positive(p.InitialInterval, d.InitialInterval)
	p.MaxInterval = defaults.Positive(p.MaxInterval, max(d.MaxInterval, p.InitialInterval))
	if p.Multiplier < 1 {
		p.Multiplier = d.Multiplier
	}
	return p
}

// middleware retries a failing handler in process. Each failed attempt that is followed
// by a retry is logged once, as a warning with the event's fields (retryNotice); the
// final failure is logged where it is settled (dead letter or SettleFailures).
func (p RetryPolicy) middleware(logger *slog.Logger) message.HandlerMiddleware {
	return func(h message.HandlerFunc) message.HandlerFunc {
		return func(msg *message.Message) ([]*message.Message, error) {
			// A Retry per message, because Watermill's notifies a retry only through its
			// Logger, which knows nothing of the message.
			return p.retry(retryNotice{logger: logger, msg: msg}).Middleware(h)(msg)
		}
	}
}

func (p RetryPolicy) retry(notice watermill.LoggerAdapter) middleware.Retry {
	return middleware.Retry{
		MaxRetries:          p.MaxRetries,
		InitialInterval:     p.InitialInterval,
		MaxInterval:         p.MaxInterval,
		Multiplier:          p.Multiplier,
		RandomizationFactor: 0.2,
		// Each attempt gets a fresh context: the attempt timeout of the previous one
		// must not cancel the next.
		ResetContextOnRetry: true,
		ShouldRetry:         func(params middleware.RetryParams) bool { return !errors.Is(params.Err, ErrPermanent) },
		Logger:              notice,
	}
}

// ErrPermanent marks a handler error that retrying cannot fix (a malformed message, an
// event the handler can never accept); such an event goes to the dead-letter queue at once.
var ErrPermanent = errors.New("permanent failure")

// Permanent wraps err so that the consumer skips its retries.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }

func (e *permanentError) Unwrap() []error { return []error{e.err, ErrPermanent} }
