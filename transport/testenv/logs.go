package testenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"testing"
)

// LogBuffer collects JSON log lines for a test to read back; its zero value is ready.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write takes one record: slog's JSON handler writes each record with one call.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything logged so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Logger logs everything, debug included, into b.
func (b *LogBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Records are the records logged so far.
func (b *LogBuffer) Records(tb testing.TB) []map[string]any {
	tb.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for line := range bytes.Lines(b.buf.Bytes()) {
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			tb.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, rec)
	}
	return out
}

// Matching are the records that have every field of want, and of the key-value pairs
// kv, with that value (compared as printed).
func Matching(records []map[string]any, want map[string]string, kv ...string) []map[string]any {
	all := make(map[string]string, len(want)+len(kv)/2)
	for k, v := range want {
		all[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		all[kv[i]] = kv[i+1]
	}
	var out []map[string]any
	for _, rec := range records {
		match := true
		for k, v := range all {
			if fmt.Sprint(rec[k]) != v {
				match = false
			}
		}
		if match {
			out = append(out, rec)
		}
	}
	return out
}
