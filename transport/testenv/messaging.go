package testenv

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/amqp"
)

// Logger logs as text into the test's output, from level up, or everything with
// PLANSTORE_TEST_LOG=debug.
func Logger(tb testing.TB, level slog.Level) *slog.Logger {
	if os.Getenv("PLANSTORE_TEST_LOG") == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(tb.Output(), &slog.HandlerOptions{Level: level}))
}

// PlanCodec is the codec every planstore role uses (events.NewPlanCodec).
func PlanCodec(tb testing.TB) *events.Codec {
	tb.Helper()
	codec, err := events.NewPlanCodec()
	if err != nil {
		tb.Fatal(err)
	}
	return codec
}

// RunRouter runs r until stop is called or the test ends, whichever comes first; it
// fails the test if r does not start, or if closing or running it fails.
func RunRouter(tb testing.TB, r *messaging.Router) (stop func()) {
	tb.Helper()
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background()) }()
	select {
	case <-r.Running():
	case err := <-done:
		tb.Fatalf("router stopped at start: %v", err)
	case <-time.After(30 * time.Second):
		tb.Fatal("router did not start within 30s")
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			if err := r.Close(); err != nil {
				tb.Errorf("close router: %v", err)
			}
			if err := <-done; err != nil {
				tb.Errorf("run router: %v", err)
			}
		})
	}
	tb.Cleanup(stop)
	return stop
}

// AMQPBus opens a bus with cfg and closes it when the test ends, failing the test if
// either fails.
func AMQPBus(tb testing.TB, cfg amqp.Config) *amqp.Bus {
	tb.Helper()
	bus, err := amqp.New(cfg)
	if err != nil {
		tb.Fatalf("amqp bus: %v", err)
	}
	tb.Cleanup(func() {
		if err := bus.Close(); err != nil {
			tb.Errorf("close bus: %v", err)
		}
	})
	return bus
}
