package replay_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/planstore/planstore/events"

	"github.com/planstore/planstore/projections/replay"
)

// Searches running alongside a replay always see a complete index: the old one until
// the alias moves, then the new one, already refreshed.
func TestSearchesStayCompleteDuringReplay(t *testing.T) {
	store, _ := storeWithWorkload(t, 300, 3)
	eachBackend(t, func(t *testing.T, b backend) {
		projectLive(t, b, store)
		want := answers(t, b)
		queries := []string{"all", "plans with costly visit", "services of in-network"}
		for _, name := range queries {
			if len(want[name]) == 0 {
				t.Fatalf("query %q matches nothing: the test would prove nothing", name)
			}
		}

		// Small pages stretch the replay over many bulk requests, and the log holds the
		// replay half way until the searcher has run several rounds against the
		// half-built state.
		var (
			stop     = make(chan struct{})
			searched atomic.Int64
			wg       sync.WaitGroup
		)
		held := &holdingLog{Log: store, holdAt: 5, until: func() bool { return searched.Load() >= 10 }}
		r := newReplayer(t, b, held, func(c *replay.Config) { c.PageSize, c.BulkActions = 25, 100 })
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, name := range queries {
					ids, total, err := search(b, joinQueries[name])
					if err != nil {
						t.Errorf("query %q during the replay: %v", name, err)
						return
					}
					if total != int64(len(want[name])) || len(ids) != len(want[name]) {
						t.Errorf("query %q during the replay: total %d, %d hits; want %d", name, total, len(ids), len(want[name]))
						return
					}
				}
				searched.Add(1)
			}
		})
		status, err := r.Run(context.Background(), nil)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatalf("replay: %v", err)
		}
		t.Logf("%d search rounds during the replay; it read %d events in %s", searched.Load(),
			status.EventsRead, status.FinishedAt.Sub(status.StartedAt))
		if !held.held.Load() {
			t.Errorf("the replay was never held half way")
		}
		// And after it, the same answers again.
		got := answers(t, b)
		for _, name := range queries {
			if len(got[name]) != len(want[name]) {
				t.Errorf("query %q after the replay: %d ids, want %d", name, len(got[name]), len(want[name]))
			}
		}
	})
}

// holdingLog is a real log that, at its holdAt-th read, waits until until() holds: the
// replay is then caught with part of the log in its new index.
type holdingLog struct {
	replay.Log
	holdAt int64
	until  func() bool
	reads  atomic.Int64
	held   atomic.Bool
}

func (h *holdingLog) ReadLog(ctx context.Context, partition int, after string, limit int) ([]events.LogEntry, error) {
	if h.reads.Add(1) == h.holdAt {
		h.held.Store(true)
		for !h.until() {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Millisecond):
			}
		}
	}
	return h.Log.ReadLog(ctx, partition, after, limit)
}
