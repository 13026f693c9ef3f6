package httpapi

import (
	"context"
	"fmt"

	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/messaging"
)

// Dead letters carry whole events, plans and all, so they are confined like plan reads:
// an admin sees, redelivers and discards the dead letters of its own organisations' plans
// only, and one of another organisation answers 404 exactly as a missing one does; an
// operator (plans:operator) handles every organisation's. The aggregate id of an event is
// its plan's key, whose namespace names the organisation (tenancy.Key).

// deadLetterVisible reports whether the caller's access covers the dead letter's plan.
func deadLetterVisible(ctx context.Context, dl messaging.DeadLetter) bool {
	a := tenancy.FromContext(ctx)
	if a.All() {
		return true
	}
	bare := tenancy.Bare(dl.AggregateID)
	for _, org := range a.Orgs() {
		if a.Key(org, bare) == dl.AggregateID {
			return true
		}
	}
	return false
}

// confinedDeadLetters applies deadLetterVisible to every call.
type confinedDeadLetters struct{ next DeadLetters }

func (c confinedDeadLetters) List(ctx context.Context, consumer string, limit int) ([]messaging.DeadLetter, error) {
	all, err := c.next.List(ctx, consumer, limit)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, dl := range all {
		if deadLetterVisible(ctx, dl) {
			out = append(out, dl)
		}
	}
	return out, nil
}

func (c confinedDeadLetters) Get(ctx context.Context, consumer, id string) (messaging.DeadLetter, error) {
	dl, err := c.next.Get(ctx, consumer, id)
	if err != nil {
		return messaging.DeadLetter{}, err
	}
	if !deadLetterVisible(ctx, dl) {
		return messaging.DeadLetter{}, fmt.Errorf("%w: %s", messaging.ErrDeadLetterNotFound, id)
	}
	return dl, nil
}

func (c confinedDeadLetters) Redeliver(ctx context.Context, consumer, id string) error {
	if _, err := c.Get(ctx, consumer, id); err != nil {
		return err
	}
	return c.next.Redeliver(ctx, consumer, id)
}

func (c confinedDeadLetters) Discard(ctx context.Context, consumer, id string) error {
	if _, err := c.Get(ctx, consumer, id); err != nil {
		return err
	}
	return c.next.Discard(ctx, consumer, id)
}
