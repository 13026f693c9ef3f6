package elastic

import (
	"context"
	"errors"
	"fmt"

	"github.com/planstore/planstore/projections"
)

// writeDirect is Write for an engine in this process (WriterConfig.Direct): the same
// checks of the actions as the encoder makes, the same judgement of each item
// (itemOutcome: a stale version or a delete of what is not there is a success), the
// same counters, without the _bulk encoding in between.
func (w *Writer) writeDirect(ctx context.Context, actions []projections.Action) error {
	select {
	case <-w.quit:
		return ErrWriterClosed
	default:
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("elastic: write: %w", err)
	}
	for _, a := range actions {
		if err := checkAction(a); err != nil {
			return err
		}
	}
	var errs []error
	w.cfg.Direct.WriteActions(w.cfg.Index, w.cfg.RequireAlias, actions, func(i, status int, errType, reason string) {
		item := bulkItem{ID: actions[i].Doc.ID, Status: status}
		if errType != "" {
			item.Error = &bulkItemError{Type: errType, Reason: reason}
		}
		if err := itemOutcome(actions[i].Op, item); err != nil {
			errs = append(errs, err)
		}
	})
	w.bulks.Add(1)
	w.actions.Add(int64(len(actions)))
	w.failed.Add(int64(len(errs)))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("elastic: write to %s: %w", w.cfg.Index, err)
	}
	return nil
}
