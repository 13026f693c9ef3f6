package elastic

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/planstore/planstore/events"
)

// BenchmarkProjectCreate projects plan.created events of distinct plans (8 documents
// each) from 32 concurrent consumers per core, as a projector under load would, and
// reports events per second.
func BenchmarkProjectCreate(b *testing.B) {
	for _, e := range testEngines(b) {
		b.Run(e.name, func(b *testing.B) {
			ctx := context.Background()
			index := uniqueName(b, "planstore-bench")
			if err := CreateIndex(ctx, e.client, index); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = DeleteIndex(context.Background(), e.client, index) })
			w, err := NewWriter(e.client, WriterConfig{Index: index})
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			p, err := NewProjector(w)
			if err != nil {
				b.Fatal(err)
			}
			plan := examplePlan(b)
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
}
