package messaging_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill"

	"github.com/planstore/planstore/transport/messaging"
)

// TestWatermillLoggerMapsLevels: Watermill's Info lines are logged at Debug, its Trace
// lines only below Debug, errors with their error, fields (also those of With) as
// attributes, and every line names the component.
func TestWatermillLoggerMapsLevels(t *testing.T) {
	for _, tc := range []struct {
		level slog.Level
		want  []string // lines logged, in order
	}{
		{slog.LevelInfo, []string{"level=ERROR msg=failed"}},
		{slog.LevelDebug, []string{"level=DEBUG msg=started", "level=DEBUG msg=detail", "level=ERROR msg=failed"}},
		{watermill.LevelTrace, []string{"level=DEBUG msg=started", "level=DEBUG msg=detail", "level=DEBUG-4 msg=message", "level=ERROR msg=failed"}},
	} {
		var out bytes.Buffer
		logger := messaging.NewLogger(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{
			Level:       tc.level,
			ReplaceAttr: dropTime,
		}))).With(watermill.LogFields{"topic": "t"})
		logger.Info("started", watermill.LogFields{"n": 1})
		logger.Debug("detail", nil)
		logger.Trace("message", watermill.LogFields{"message_uuid": "u"})
		logger.Error("failed", errors.New("boom"), watermill.LogFields{"n": 2})

		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != len(tc.want) {
			t.Fatalf("at %v: logged %q, want lines starting %q", tc.level, lines, tc.want)
		}
		for i, line := range lines {
			if !strings.HasPrefix(line, tc.want[i]) || !strings.Contains(line, "component=watermill topic=t") {
				t.Errorf("at %v: line %d is %q, want it to start %q and name component and topic", tc.level, i, line, tc.want[i])
			}
		}
		if last := lines[len(lines)-1]; !strings.Contains(last, "n=2 error=boom") {
			t.Errorf("at %v: error line %q lacks its field and error", tc.level, last)
		}
	}
}

func dropTime(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
