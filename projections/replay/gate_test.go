package replay_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections/replay"
)

// gatedLog is a real log whose reads wait until the test opens the gate, so a replay
// can be caught in the middle: reading is closed when the first read arrives.
type gatedLog struct {
	replay.Log
	reading chan struct{}
	release chan struct{}
	once    sync.Once
}

func newGatedLog(log replay.Log) *gatedLog {
	return &gatedLog{Log: log, reading: make(chan struct{}), release: make(chan struct{})}
}

func (g *gatedLog) ReadLog(ctx context.Context, partition int, after string, limit int) ([]events.LogEntry, error) {
	g.once.Do(func() { close(g.reading) })
	select {
	case <-g.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.Log.ReadLog(ctx, partition, after, limit)
}

// startGated starts a replay of log, behind a gate, in the background, and returns once
// it holds the lock and is reading: open gate.release to let it go on.
func startGated(t testing.TB, b backend, log replay.Log, tune func(*replay.Config)) (r *replay.Replayer, gate *gatedLog, id string) {
	t.Helper()
	gate = newGatedLog(log)
	r = newReplayer(t, b, gate, tune)
	id, err := r.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	waitReading(t, gate, r, id)
	return r, gate, id
}

// waitReading waits until a background job reads the gated log; it fails the test if
// the job ends (or hangs) before.
func waitReading(t testing.TB, g *gatedLog, r *replay.Replayer, id string) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case <-g.reading:
			return
		case <-deadline:
			t.Fatalf("job %s never read the log", id)
		case <-time.After(10 * time.Millisecond):
			if s, done, _ := r.Status(id); done {
				t.Fatalf("job %s ended before reading the log: %+v", id, s)
			}
		}
	}
}

// waitDone polls a background job until it ends.
func waitDone(t testing.TB, r *replay.Replayer, id string) replay.Status {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		s, done, found := r.Status(id)
		if !found {
			t.Fatalf("job %s unknown", id)
		}
		if done {
			return s.(replay.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("job %s did not end", id)
	return replay.Status{}
}
