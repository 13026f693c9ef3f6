package elastic

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections/enginetest"
)

// BenchmarkProjectCreate projects plan.created events of distinct plans (8 documents
// each) from 32 concurrent consumers per core, as a projector under load would, and
// reports events per second.
func BenchmarkProjectCreate(b *testing.B) {
	enginetest.Each(b, func(b *testing.B, e enginetest.Engine) {
		ctx := context.Background()
		w, p := newProjector(b, e.Client, WriterConfig{Index: newIndex(b, e.Client, "planstore-bench")})
		plan := exampleplan.JSON()
		var seq atomic.Int64
		b.SetParallelism(32)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				suffix := fmt.Sprintf("-b%d", seq.Add(1))
				ev := event(events.PlanCreated, planID+suffix, 1, nil, renamed(b, plan, suffix))
				if err := p.Handle(ctx, ev); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		s := w.Stats()
		if s.Bulks > 0 {
			b.ReportMetric(float64(s.Actions)/float64(s.Bulks), "actions/bulk")
		}
	})
}
