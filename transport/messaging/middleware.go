package messaging

import (
	"context"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// detachFromShutdown removes cancellation from the message context. Watermill cancels
// the subscription context as soon as the router starts closing; a handler (or Retry)
// would then abort mid-event, and PoisonQueue could even dead-letter it. Detached, the
// in-flight event finishes within the router's CloseTimeout, bounded per attempt by
// attemptTimeout.
func detachFromShutdown(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		msg.SetContext(context.WithoutCancel(msg.Context()))
		return h(msg)
	}
}

// attemptTimeout bounds one handler attempt and restores the context afterwards, so the
// next retry does not start with an expired one.
func attemptTimeout(d time.Duration) message.HandlerMiddleware {
	return func(h message.HandlerFunc) message.HandlerFunc {
		return func(msg *message.Message) ([]*message.Message, error) {
			parent := msg.Context()
			ctx, cancel := context.WithTimeout(parent, d)
			defer cancel()
			msg.SetContext(ctx)
			defer msg.SetContext(parent)
			return h(msg)
		}
	}
}

// countFailures counts every failed attempt (errors and recovered panics).
func countFailures(inc func()) message.HandlerMiddleware {
	return func(h message.HandlerFunc) message.HandlerFunc {
		return func(msg *message.Message) ([]*message.Message, error) {
			out, err := h(msg)
			if err != nil {
				inc()
			}
			return out, err
		}
	}
}
