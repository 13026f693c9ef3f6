package messaging

import (
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
)

// NewLogger adapts a slog logger for Watermill. Watermill's own Info level narrates
// every subscription and connection step, which is useful, but its Trace level logs every
// message and stays below Debug so it never floods production logs. Per-event lines
// (handled, relayed, retried, dead-lettered) are planstore's own, with the event's fields.
func NewLogger(logger *slog.Logger) watermill.LoggerAdapter {
	if logger == nil {
		logger = slog.Default()
	}
	return watermill.NewSlogLoggerWithLevelMapping(logger.With("component", "watermill"), map[slog.Level]slog.Level{
		watermill.LevelTrace: watermill.LevelTrace,
	})
}
