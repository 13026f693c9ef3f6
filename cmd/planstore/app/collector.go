package app

import (
	"log/slog"

	"github.com/planstore/planstore/internal/gcpace"
)

// paceCollector sets the heap floor (--heap-floor-bytes) below which the collector
// does not run.
func (m *Main) paceCollector() {
	floor := uint64(max(m.cfg.HeapFloorBytes, 0))
	if m.cfg.HeapFloorBytes == autoHeapFloor {
		floor = gcpace.AutoFloor(gcpace.AvailableMemory())
	}
	gcpace.SetFloor(floor)
	m.log.Debug("collector paced", slog.Uint64("heap_floor_bytes", floor), slog.Int("gc_percent", gcpace.Percent()))
}
