package periodic_test

import (
	"context"
	"testing"
	"time"

	"github.com/planstore/planstore/internal/periodic"
)

func TestEveryStepsUntilTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	steps := 0
	periodic.Every(ctx, time.Millisecond, func() {
		steps++
		if steps == 3 {
			cancel()
		}
	})
	if steps != 3 {
		t.Fatalf("%d steps, want 3 (none after the context ended)", steps)
	}
}
