package messaging_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill"

	"github.com/planstore/planstore/transport/messaging"
)

// TestLoggerMapsWatermillLevels: Watermill's Info is logged at Debug, Trace only when
// the trace level is enabled, errors as they are, fields included; a logger made
// With fields gates the same way.
func TestLoggerMapsWatermillLevels(t *testing.T) {
	for _, tc := range []struct {
		level slog.Level
		want  []string
		not   []string
	}{
		{slog.LevelInfo, []string{"level=ERROR msg=broken"}, []string{"narrated", "traced", "debugged"}},
		{slog.LevelDebug, []string{"level=DEBUG msg=narrated", "level=DEBUG msg=debugged", "level=ERROR msg=broken"}, []string{"traced"}},
		{watermill.LevelTrace, []string{"msg=traced", "msg=narrated", "msg=debugged", "msg=broken"}, nil},
	} {
		var out bytes.Buffer
		logger := messaging.NewLogger(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: tc.level})))
		child := logger.With(watermill.LogFields{"handler": "h1"})
		child.Info("narrated", watermill.LogFields{"k": 1})
		child.Debug("debugged", nil)
		child.Trace("traced", nil)
		logger.Error("broken", nil, watermill.LogFields{"k": 2})
		got := out.String()
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("level %v: %q missing from\n%s", tc.level, w, got)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(got, n) {
				t.Errorf("level %v: %q logged:\n%s", tc.level, n, got)
			}
		}
		if tc.level <= slog.LevelDebug && !strings.Contains(got, "handler=h1") {
			t.Errorf("level %v: the child's fields are missing:\n%s", tc.level, got)
		}
	}
}
