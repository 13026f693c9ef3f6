package messaging

import (
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
)

// NewLogger adapts a slog logger for Watermill. Watermill's Info level narrates every
// handler, subscription and connection step (two dozen lines at start-up), so it is
// logged at Debug; its warnings and errors keep their level, and its Trace level, which
// logs every message, stays below Debug. Per-event lines (handled, relayed, retried,
// dead-lettered) are planstore's own, with the event's fields.
func NewLogger(logger *slog.Logger) watermill.LoggerAdapter {
	if logger == nil {
		logger = slog.Default()
	}
	return watermill.NewSlogLoggerWithLevelMapping(logger.With("component", "watermill"), map[slog.Level]slog.Level{
		watermill.LevelTrace: watermill.LevelTrace,
		slog.LevelInfo:       slog.LevelDebug,
	})
}
