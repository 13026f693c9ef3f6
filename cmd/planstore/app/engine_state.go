package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/internal/atomicfile"
	"github.com/planstore/planstore/internal/gcpace"
	"github.com/planstore/planstore/projections/esengine"
	"github.com/planstore/planstore/transport/messaging/inproc"
)

// EngineStateFile is where `planstore serve` on the embedded stores keeps its search
// engine between a clean shutdown and the next start, in the data dir. It is a cache of
// the event log's projection: deleting it at any time only makes the next start rebuild
// the engine from the log.
const EngineStateFile = "engine.state"

// logMarker is what an event store offers to name the log's current state: the embedded
// bolt store does. A saved engine state carries the mark of the log it reflects.
type logMarker interface {
	LastLogEntry(ctx context.Context) (events.LogEntry, bool, error)
}

// engineStateStore returns the store to mark saved states with when this role keeps the
// embedded engine's state: the one that rebuilds it at start (embedded engine, embedded
// bolt store, projector and query API in one process).
func (m *Main) engineStateStore() (logMarker, bool) {
	if len(m.cfg.ESURLs) != 0 || !m.parts.projector || !m.parts.queryAPI {
		return nil, false
	}
	lm, ok := m.store.(logMarker)
	return lm, ok
}

// logMark names the log as it is now: the position and event id of its last entry, and
// this build's version, whose engine and projection produced the state (another build
// may project differently, so its state is not reused).
func logMark(ctx context.Context, lm logMarker) (string, error) {
	entry, ok, err := lm.LastLogEntry(ctx)
	if err != nil {
		return "", err
	}
	if !ok {
		return "planstore " + buildMark() + "; empty log", nil
	}
	return fmt.Sprintf("planstore %s; log position %s; event %s", buildMark(), entry.Position, entry.Event.ID), nil
}

// buildMark names the build a state comes from. A tagged build, or one of a clean commit,
// is named by its Version; a local build without a commit, or of a tree with changes,
// says too little (two such builds may project differently under the same words), so
// the executable's size and modification time are added: rebuilding it makes the next
// start rebuild the engine rather than trust a state of older code.
func buildMark() string {
	v := Version()
	if b, ok := readBuild(); ok && b.named() {
		return v
	}
	exe, err := os.Executable()
	if err != nil {
		return v + "; executable unknown"
	}
	info, err := os.Stat(exe)
	if err != nil {
		return v + "; executable unknown"
	}
	return fmt.Sprintf("%s; executable %d bytes, %s", v, info.Size(), info.ModTime().UTC().Format(time.RFC3339Nano))
}

// newEmbeddedEngine returns serve's embedded engine: the one a clean shutdown saved when
// the log is still exactly as it was then, else an empty one that startPipeline rebuilds
// from the log. Events the relay had not delivered before that shutdown are still in
// the outbox, and reach the loaded engine through the projector as before.
func (m *Main) newEmbeddedEngine(ctx context.Context) *esengine.Engine {
	lm, ok := m.engineStateStore()
	if !ok {
		return esengine.New()
	}
	path := filepath.Join(m.cfg.DataDir, EngineStateFile)
	removeUnfinishedSaves(path, m.log)
	// Registered before the projector, router and replayer: closed after them, when
	// nothing writes to the engine any more, and before the event store.
	m.onClose("embedded engine state", func(ctx context.Context) error { return m.saveEngineState(ctx, path, lm) })
	e, mark, err := m.loadEngineState(ctx, path, lm)
	switch {
	case errors.Is(err, os.ErrNotExist):
		m.log.Info("no saved embedded engine state: rebuilding the engine from the event log")
		return esengine.New()
	case err != nil:
		m.log.Warn("the saved embedded engine state is not used: rebuilding the engine from the event log",
			slog.String("file", path), slog.Any("reason", err))
		return esengine.New()
	}
	m.engineCurrent = true
	m.engineLoaded = loadedState{mark: mark, writes: e.Writes()}
	return e
}

// loadedState is the mark of the state the engine was loaded from and the engine's
// write count just after (esengine.Engine.Writes).
type loadedState struct {
	mark   string
	writes uint64
}

// errStaleState: the saved state is of another log (or build) than this one.
var errStaleState = errors.New("the state was saved at another point of the event log")

func sameMark(saved, current string) error {
	if saved != current {
		return fmt.Errorf("%w (saved at %q, the log is at %q)", errStaleState, saved, current)
	}
	return nil
}

// loadGCPercent is the collector's GOGC while the engine state loads.
const loadGCPercent = 400

// loadEngineState loads the engine saved at path when its mark is the log's current
// one, which it returns with it.
func (m *Main) loadEngineState(ctx context.Context, path string, lm logMarker) (*esengine.Engine, string, error) {
	start := time.Now()
	current, err := logMark(ctx, lm)
	if err != nil {
		return nil, "", err
	}
	// The label first: after a crash the state is stale, and reading all of it would
	// only delay the rebuild.
	saved, err := esengine.StateLabel(path)
	if err != nil {
		return nil, "", err
	}
	if err := sameMark(saved, current); err != nil {
		return nil, "", err
	}
	// A load allocates the engine and little garbage; collecting each time the heap
	// doubles marked the growing engine a dozen times over (13-17 s of CPU at a
	// million plans), so the collector waits for five times the heap until it is done.
	defer gcpace.Hold(loadGCPercent)()
	e, saved, err := esengine.LoadState(path)
	if err != nil {
		return nil, "", err
	}
	// The file may have been replaced since its label was read.
	if err := sameMark(saved, current); err != nil {
		return nil, "", err
	}
	m.log.Info("embedded search engine loaded from its saved state", slog.String("file", path),
		slog.String("mark", current), slog.Duration("took", time.Since(start)))
	// A load leaves some garbage (a quarter of the engine at a million plans: the maps
	// and arrays it outgrew); returning it keeps a running server's RSS at its live
	// data, as after a rebuild. The forced collection marks the whole engine, about two
	// seconds at a million plans, so it runs beside the rest of the start-up rather
	// than ahead of it: the server answers meanwhile, and RSS falls a moment later.
	go debug.FreeOSMemory()
	return e, current, nil
}

// saveEngineState writes the engine with the log's mark, at a clean shutdown. It does
// not when the engine does not hold the whole log (its start-up was cut short) or when
// the projector dead-lettered an event (a rebuild restores it; a saved state would not):
// then it removes an older state, which could otherwise match the log again.
func (m *Main) saveEngineState(ctx context.Context, path string, lm logMarker) error {
	reason := ""
	switch {
	case !m.engineCurrent:
		reason = "the engine was not fully built"
	case m.projectorHasDeadLetters(ctx):
		reason = "the projector has dead letters, which only a rebuild from the log restores"
	}
	if reason != "" {
		m.log.Warn("the embedded engine state is not saved: the next start rebuilds it from the event log", slog.String("reason", reason))
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove the outdated engine state: %w", err)
		}
		return nil
	}
	mark, err := logMark(ctx, lm)
	if err != nil {
		return fmt.Errorf("save the engine state: %w", err)
	}
	if m.stateUnchanged(path, mark) {
		// Writing it again would write the same engine (1.5 GB at a million plans).
		m.log.Info("embedded search engine unchanged since its state was loaded: the state is kept as it is",
			slog.String("file", path), slog.String("mark", mark))
		return nil
	}
	start := time.Now()
	if err := m.engine.SaveState(path, mark); err != nil {
		_ = os.Remove(path) // may be older than the log
		return err
	}
	attrs := []any{slog.String("file", path), slog.String("mark", mark), slog.Duration("took", time.Since(start))}
	if info, err := os.Stat(path); err == nil {
		attrs = append(attrs, slog.Int64("bytes", info.Size()))
	}
	m.log.Info("embedded search engine state saved", attrs...)
	return nil
}

// stateUnchanged reports whether the state file at path is the one the engine was
// loaded from, and neither the log nor the engine has changed since: the log is at the
// loaded mark, nothing has written to the engine, and the file still carries that mark.
func (m *Main) stateUnchanged(path, mark string) bool {
	loaded := m.engineLoaded
	if loaded.mark != mark || m.engine.Writes() != loaded.writes { // mark is never empty
		return false
	}
	label, err := esengine.StateLabel(path)
	return err == nil && label == mark
}

func (m *Main) projectorHasDeadLetters(ctx context.Context) bool {
	if m.pipeline == nil {
		return false
	}
	bus, ok := m.pipeline.bus.(*inproc.Bus)
	if !ok {
		return false
	}
	letters, err := bus.DeadLetters().List(ctx, consumerProjector, 1)
	return err != nil || len(letters) > 0
}

// removeUnfinishedSaves removes the temporary files of saves a kill cut short.
func removeUnfinishedSaves(path string, log *slog.Logger) {
	leftovers, _ := filepath.Glob(atomicfile.TempPattern(path))
	for _, f := range leftovers {
		if err := os.Remove(f); err != nil {
			log.Warn("cannot remove an unfinished engine state", slog.String("file", f), slog.Any("error", err))
		}
	}
}
