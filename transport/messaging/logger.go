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
	return watermillLogger{logger: logger.With("component", "watermill")}
}

// watermillLogger is Watermill's SlogLoggerAdapter with the level mapping above, except
// that it asks the handler whether a level is enabled before it turns the fields into
// attributes. Watermill and watermill-amqp call Trace about five times per delivery
// and as often per publish, each with a fresh field map; the stock adapter built a slice
// of them every time, only for slog to drop the line.
type watermillLogger struct {
	logger *slog.Logger
}

// slogLevel maps a Watermill level to the level it is logged at.
func slogLevel(level slog.Level) slog.Level {
	if level == slog.LevelInfo {
		return slog.LevelDebug
	}
	return level
}

func (l watermillLogger) log(level slog.Level, msg string, fields watermill.LogFields, extra ...any) {
	level = slogLevel(level)
	// Watermill logs without a context (it has none at hand); so does this.
	ctx := context.Background()
	if !l.logger.Enabled(ctx, level) {
		return
	}
	l.logger.Log(ctx, level, msg, fieldArgs(fields, extra...)...)
}

// fieldArgs is fields as slog's alternating keys and values, followed by extra.
func fieldArgs(fields watermill.LogFields, extra ...any) []any {
	args := make([]any, 0, 2*len(fields)+len(extra))
	for key, value := range fields {
		args = append(args, key, value)
	}
	return append(args, extra...)
}

// Error implements watermill.LoggerAdapter.
func (l watermillLogger) Error(msg string, err error, fields watermill.LogFields) {
	l.log(slog.LevelError, msg, fields, "error", err)
}

// Info implements watermill.LoggerAdapter.
func (l watermillLogger) Info(msg string, fields watermill.LogFields) {
	l.log(slog.LevelInfo, msg, fields)
}

// Debug implements watermill.LoggerAdapter.
func (l watermillLogger) Debug(msg string, fields watermill.LogFields) {
	l.log(slog.LevelDebug, msg, fields)
}

// Trace implements watermill.LoggerAdapter.
func (l watermillLogger) Trace(msg string, fields watermill.LogFields) {
	l.log(watermill.LevelTrace, msg, fields)
}

// With implements watermill.LoggerAdapter.
func (l watermillLogger) With(fields watermill.LogFields) watermill.LoggerAdapter {
	return watermillLogger{logger: l.logger.With(fieldArgs(fields)...)}
}
