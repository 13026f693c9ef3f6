package messaging

import (
	"context"
	"errors"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill/message"
)

// SettleFailures is the outermost word on a message that failed: it logs the failure
// once, at level with the event's fields (EventAttrs) and the error, and nacks the
// message itself, so the transport redelivers it. It then reports success to Watermill,
// whose router would otherwise log the same error a second time; the router's Ack after
// this Nack is a no-op. An aborted attempt (context.Canceled) is logged at warning level
// at most: it is not a failure of the event.
func SettleFailures(logger *slog.Logger, level slog.Level, what string) message.HandlerMiddleware {
	return func(h message.HandlerFunc) message.HandlerFunc {
		return func(msg *message.Message) ([]*message.Message, error) {
			out, err := h(msg)
			if err == nil {
				return out, nil
			}
			lvl := level
			if errors.Is(err, context.Canceled) {
				lvl = min(lvl, slog.LevelWarn)
			}
			logger.Log(msg.Context(), lvl, what, append(EventAttrs(msg), "error", err)...)
			msg.Nack()
			return nil, nil
		}
	}
}
