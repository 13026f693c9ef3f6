package replay_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/planstore/planstore/projections/replay"
)

// releasingLog is a real log that counts the Replayer's requests to drop its mapped pages.
type releasingLog struct {
	replay.Log
	released atomic.Int32
}

func (l *releasingLog) ReleaseMappedPages() error {
	l.released.Add(1)
	return nil
}

// Every replay, run in the foreground or as a job, ends by asking a memory-mapped log
// to drop the pages it read.
func TestReplayReleasesTheMappedLogAfterwards(t *testing.T) {
	store, _ := storeWithWorkload(t, 20, 1)
	log := &releasingLog{Log: store}
	b := backends(t)[0]
	r := newReplayer(t, b, log, nil)
	if _, err := r.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got := log.released.Load(); got != 1 {
		t.Fatalf("pages released %d times after a replay, want 1", got)
	}
	id, err := r.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, r, id)
	if got := log.released.Load(); got != 2 {
		t.Fatalf("pages released %d times after a second replay (a job), want 2", got)
	}
}
