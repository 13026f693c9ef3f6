package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
)

// An engine whose start-up was cut short does not hold the whole log: a clean shutdown
// must not save it, and must remove an older state, which could match the log again.
func TestAnEngineNotFullyBuiltIsNotSavedAndAnOlderStateGoes(t *testing.T) {
	path := filepath.Join(t.TempDir(), EngineStateFile)
	if err := os.WriteFile(path, []byte("an older state"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := &Main{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m.saveEngineState(context.Background(), path, nil); err != nil {
		t.Fatalf("saveEngineState: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the older state is still there (stat: %v)", err)
	}
}
