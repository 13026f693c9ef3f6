package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/projections"
	"github.com/planstore/planstore/projections/replay"
)

// registerReplayLockGauge exports whether any process replays the read model now:
// planstore_replay_* describe the replays this process runs, and a replay started with
// `planstore replay --es-url` runs in no role. The cluster-wide replay lock says it.
func (m *Main) registerReplayLockGauge(client *elasticsearch.Client) error {
	var (
		mu   sync.Mutex
		at   time.Time
		held float64
	)
	g := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "planstore_replay_lock_held",
		Help: "1 while a replay of the read model holds the cluster's replay lock, in any process (a query API or planstore replay); -1 when the cluster cannot tell.",
	}, func() float64 {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(at) < pipelineCacheFor {
			return held
		}
		ctx, cancel := context.WithTimeout(context.Background(), pipelineTimeout)
		defer cancel()
		_, ok, err := replay.HeldLock(ctx, client, projections.Alias)
		switch {
		case err != nil:
			held = -1
		case ok:
			held = 1
		default:
			held = 0
		}
		at = time.Now()
		return held
	})
	if err := m.registry.Register(g); err != nil {
		return fmt.Errorf("replay lock metric: %w", err)
	}
	return nil
}
