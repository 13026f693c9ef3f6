package queries

import (
	"context"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/tenancy"
)

// feedVisible keeps the events of the caller's organisations, so the feed is confined
// like every other read (an operator sees every organisation's). An event belongs to
// the organisation of the plan state it carries, and must live in that organisation's
// namespace, so a pre-tenancy plan of another _org in the default namespace stays the
// operator's. nil: everything is visible.
func feedVisible(ctx context.Context) func(events.Envelope) bool {
	access := tenancy.FromContext(ctx)
	if access.All() {
		return nil
	}
	return func(e events.Envelope) bool {
		org := orgOfHistory([]events.Envelope{e})
		return access.Allows(org) && e.AggregateID == access.Key(org, tenancy.Bare(e.AggregateID))
	}
}

// feedPlanMatches: a client names a plan by its objectId; the log holds store keys,
// qualified by the organisation's namespace.
func feedPlanMatches(e events.Envelope, plan string) bool {
	return plan == "" || e.AggregateID == plan || tenancy.Bare(e.AggregateID) == plan
}
