package messaging

import (
	"context"
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
	logger = logger.With("component", "watermill")
	return gatedLogger{
		LoggerAdapter: watermill.NewSlogLoggerWithLevelMapping(logger, map[slog.Level]slog.Level{
			watermill.LevelTrace: watermill.LevelTrace,
			slog.LevelInfo:       slog.LevelDebug,
		}),
		slog: logger,
	}
}

// gatedLogger asks the slog logger whether a level is enabled before handing a line to
// Watermill's adapter, which turns the fields into slog attributes (a slice, a sort)
// first and lets slog drop them after: Watermill's router and in-process bus trace
// every message, several lines each, at the level nobody runs.
type gatedLogger struct {
	watermill.LoggerAdapter
	slog *slog.Logger
}

func (g gatedLogger) Info(msg string, fields watermill.LogFields) {
	if g.slog.Enabled(context.Background(), slog.LevelDebug) { // Info is logged at Debug
		g.LoggerAdapter.Info(msg, fields)
	}
}

func (g gatedLogger) Debug(msg string, fields watermill.LogFields) {
	if g.slog.Enabled(context.Background(), slog.LevelDebug) {
		g.LoggerAdapter.Debug(msg, fields)
	}
}

func (g gatedLogger) Trace(msg string, fields watermill.LogFields) {
	if g.slog.Enabled(context.Background(), watermill.LevelTrace) {
		g.LoggerAdapter.Trace(msg, fields)
	}
}

// With keeps the gate: a level enabled for the logger is enabled for its children.
func (g gatedLogger) With(fields watermill.LogFields) watermill.LoggerAdapter {
	return gatedLogger{LoggerAdapter: g.LoggerAdapter.With(fields), slog: g.slog}
}
