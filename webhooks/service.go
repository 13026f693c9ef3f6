package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/feed"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/tenancy"
)

// feedEnd finds where "new events only" starts (queries.Feed).
type feedEnd interface {
	End(ctx context.Context) (string, error)
	Read(ctx context.Context, req queries.FeedRequest) (queries.FeedPage, error)
}

// CreateRequest asks for a subscription.
type CreateRequest struct {
	URL    string
	Types  []events.Type
	Plan   string
	Secret string // "": a new random one
	// From: "now" (the default: events committed from now on), "start" (every event
	// ever), or a feed cursor (the events after it).
	From  string
	Owner string
}

// Service is the subscriptions API's handler: create, list, pause, delete, and the
// dead-letter operations. Changes bump the state's generation; the Deliverer notices
// and picks them up.
type Service struct {
	store   Store
	targets *Targets
	feed    feedEnd
	now     func() time.Time
}

// NewService manages subscriptions in store.
func NewService(store Store, targets *Targets, feed feedEnd) (*Service, error) {
	if store == nil || targets == nil || feed == nil {
		return nil, errors.New("webhooks: service needs a store, targets and the feed")
	}
	return &Service{store: store, targets: targets, feed: feed, now: time.Now}, nil
}

var knownTypes = []events.Type{events.PlanCreated, events.PlanReplaced, events.PlanPatched, events.PlanDeleted}

// Create checks the request and stores the subscription, paused only when asked.
func (s *Service) Create(ctx context.Context, req CreateRequest) (State, error) {
	if err := s.targets.CheckURL(req.URL); err != nil {
		return State{}, err
	}
	for _, t := range req.Types {
		if !slices.Contains(knownTypes, t) {
			return State{}, &InvalidError{Field: "types", Reason: fmt.Sprintf("%q is not an event type", t)}
		}
	}
	if len(req.Plan) > 256 {
		return State{}, &InvalidError{Field: "plan", Reason: "is longer than 256 characters"}
	}
	secret := req.Secret
	if secret == "" {
		secret = NewSecret()
	} else if _, err := secretKey(secret); err != nil {
		return State{}, &InvalidError{Field: "secret", Reason: err.Error()}
	}
	cursor, err := s.startCursor(ctx, req.From)
	if err != nil {
		return State{}, err
	}
	access := tenancy.FromContext(ctx)
	if !access.All() && len(access.Orgs()) == 0 {
		return State{}, &InvalidError{Field: "token", Reason: "names no organisation, so a subscription would deliver nothing"}
	}
	st := State{
		Subscription: Subscription{
			ID: newID(), URL: req.URL, Types: slices.Clone(req.Types), Plan: req.Plan, Secret: secret,
			Owner: req.Owner, CreatedAt: s.now().UTC(),
			Orgs: access.Orgs(), AllOrgs: access.All(), DefaultOrg: access.DefaultOrg(),
		},
		Cursor: cursor,
	}
	if err := s.store.Create(ctx, st); err != nil {
		return State{}, err
	}
	return st, nil
}

func (s *Service) startCursor(ctx context.Context, from string) (string, error) {
	switch from {
	case "", "now":
		return s.feed.End(ctx)
	case "start":
		return "", nil
	}
	// A cursor: check it is one of this feed's.
	if _, err := s.feed.Read(ctx, queries.FeedRequest{After: from, Limit: 1}); err != nil {
		var bad *queries.FeedRequestError
		var cur *feed.CursorError
		if errors.As(err, &bad) || errors.As(err, &cur) {
			return "", &InvalidError{Field: "from", Reason: `is "now", "start" or a feed position`}
		}
		return "", err
	}
	return from, nil
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "sub_" + hex.EncodeToString(b)
}

// List returns the state of every subscription the caller may manage.
func (s *Service) List(ctx context.Context) ([]State, error) {
	all, err := s.store.List(ctx)
	if err != nil {
		return nil, err
	}
	access := tenancy.FromContext(ctx)
	return slices.DeleteFunc(all, func(st State) bool { return !st.Subscription.managedBy(access) }), nil
}

// Get returns one subscription's state; another organisation's is not found.
func (s *Service) Get(ctx context.Context, id string) (State, error) {
	st, err := s.store.Get(ctx, id)
	if err != nil {
		return State{}, err
	}
	if !st.Subscription.managedBy(tenancy.FromContext(ctx)) {
		return State{}, fmt.Errorf("subscription %s: %w", id, ErrNotFound)
	}
	return st, nil
}

// update changes a subscription the caller may manage, bumping its generation so the
// deliverer starts over from the stored state.
func (s *Service) update(ctx context.Context, id string, fn func(*State) error) (State, error) {
	access := tenancy.FromContext(ctx)
	return s.store.Update(ctx, id, func(st *State) error {
		if !st.Subscription.managedBy(access) {
			return fmt.Errorf("subscription %s: %w", id, ErrNotFound)
		}
		if err := fn(st); err != nil {
			return err
		}
		st.Generation++
		return nil
	})
}

// SetPaused pauses or resumes delivery; a resumed subscription goes on from where it
// stood, so nothing committed meanwhile is skipped.
func (s *Service) SetPaused(ctx context.Context, id string, paused bool) (State, error) {
	return s.update(ctx, id, func(st *State) error {
		st.Subscription.Paused = paused
		return nil
	})
}

// Delete removes a subscription and its dead letters.
func (s *Service) Delete(ctx context.Context, id string) error {
	if _, err := s.Get(ctx, id); err != nil {
		return err
	}
	return s.store.Delete(ctx, id)
}

// Redeliver asks for the dead letters to be delivered again, in order; those that fail
// again stay.
func (s *Service) Redeliver(ctx context.Context, id string) (State, error) {
	return s.update(ctx, id, func(st *State) error {
		st.Redeliver = true
		return nil
	})
}

// Discard drops one dead letter (by event id), or all of them with eventID "". A
// plan's later dead letters then no longer wait for the discarded one.
func (s *Service) Discard(ctx context.Context, id, eventID string) (State, error) {
	return s.update(ctx, id, func(st *State) error {
		if eventID == "" {
			st.DeadLetters = nil
			return nil
		}
		i := slices.IndexFunc(st.DeadLetters, func(d DeadLetter) bool { return d.EventID == eventID })
		if i < 0 {
			return fmt.Errorf("dead letter %s of subscription %s: %w", eventID, id, ErrNotFound)
		}
		st.DeadLetters = slices.Delete(st.DeadLetters, i, i+1)
		return nil
	})
}
