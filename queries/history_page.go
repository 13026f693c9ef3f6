package queries

import (
	"context"
	"fmt"

	"github.com/planstore/planstore/events"
)

// MaxHistoryPage bounds one page of a plan's history; a client pages on with
// after_version.
const MaxHistoryPage = 1000

// HistoryPage is one page of a plan's events in version order.
type HistoryPage struct {
	Events []events.Envelope
	// More is true when events after the last one of this page exist.
	More bool
}

// HistoryAfter returns up to limit events whose version is greater than afterVersion
// (0: from the first). A plan without events is not found; a page past the end is empty.
func (q *Plans) HistoryAfter(ctx context.Context, planID string, afterVersion int64, limit int) (HistoryPage, error) {
	if limit <= 0 || limit > MaxHistoryPage {
		limit = MaxHistoryPage
	}
	evs, err := q.History(ctx, planID)
	if err != nil {
		return HistoryPage{}, err
	}
	if len(evs) == 0 {
		return HistoryPage{}, fmt.Errorf("history of plan %s: %w", planID, events.ErrNotFound)
	}
	start := len(evs)
	for i := range evs {
		if evs[i].Version > afterVersion {
			start = i
			break
		}
	}
	page := evs[start:]
	more := len(page) > limit
	if more {
		page = page[:limit]
	}
	return HistoryPage{Events: page, More: more}, nil
}
