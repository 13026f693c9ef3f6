package messaging

import (
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
)

// NewLogger adapts a slog logger for Watermill. Watermill's own Info level narrates
// every subscription and connection step, which is useful, but its Trace level logs every
// message and stays below Debug so it never floods production logs.
func NewLogger(logger *slog.Logger) watermill.LoggerAdapter {
	if logger == nil {
		logger = slog.Default()
	}
	return watermill.NewSlogLoggerWithLevelMapping(logger.With("component", "watermill"), map[slog.Level]slog.Level{
		watermill.LevelTrace: watermill.LevelTrace,
	})
}

// newRetryLogger logs Watermill's "retrying" errors as warnings: a retried attempt is
// expected to recover, and the final failure is reported (and dead-lettered) anyway.
func newRetryLogger(logger *slog.Logger, consumer string) watermill.LoggerAdapter {
	return watermill.NewSlogLoggerWithLevelMapping(logger.With("component", "watermill", "consumer", consumer), map[slog.Level]slog.Level{
		slog.LevelError:      slog.LevelWarn,
		watermill.LevelTrace: watermill.LevelTrace,
	})
}
