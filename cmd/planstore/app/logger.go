package app

import (
	"fmt"
	"io"
	"log/slog"
	"os"
)

// newLogger makes the structured JSON logger every role uses. Durations are written as
// Go duration strings ("1.5s"), not slog's raw nanoseconds.
func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	return newLoggerAt(w, l), nil
}

func newLoggerAt(w io.Writer, level slog.Leveler) *slog.Logger {
	if w == nil {
		w = os.Stderr
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: durationsAsText}))
}

func durationsAsText(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}

// announcer logs the lines an operator needs whatever --log-level says (the address a
// role listens on, which port 0 chose): a logger on the same output that lets every
// level through.
func announcer(w io.Writer) *slog.Logger { return newLoggerAt(w, slog.LevelDebug) }
