package elastic

import (
	"sync"
	"testing"
	"time"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/projections/enginetest"
	"github.com/planstore/planstore/projections/esengine"
)

// TestDeletedPlanStaysDeletedWhenAnOldEventArrivesHoursLater: the read model's index
// keeps delete tombstones for a day (IndexBody's gc_deletes), so an old event
// redelivered hours after the plan's delete does not bring the plan back. With
// Elasticsearch's default of 60 s it would.
func TestDeletedPlanStaysDeletedWhenAnOldEventArrivesHoursLater(t *testing.T) {
	var (
		mu  sync.Mutex
		now = time.Now()
	)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	client, err := esengine.NewClient(esengine.New(esengine.WithClock(clock)))
	if err != nil {
		t.Fatal(err)
	}
	m := newReadModel(t, enginetest.Engine{Name: "embedded with a clock", Client: client, Private: true})
	plan := renamed(t, exampleplan.JSON(), "-late")
	id := planID + "-late"
	m.handle(event(events.PlanCreated, id, 1, nil, plan))
	m.handle(event(events.PlanDeleted, id, 2, plan, nil))
	m.expect(everything)

	mu.Lock()
	now = now.Add(6 * time.Hour)
	mu.Unlock()
	m.handle(event(events.PlanCreated, id, 1, nil, plan))
	m.expect(everything)
}
