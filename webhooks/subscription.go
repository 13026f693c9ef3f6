package webhooks

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/tenancy"
)

// Subscription is what an operator asks for: where to deliver which events.
type Subscription struct {
	ID     string        `json:"id"`
	URL    string        `json:"url"`
	Types  []events.Type `json:"types,omitempty"` // none: every type
	Plan   string        `json:"plan,omitempty"`  // "": every plan
	Secret string        `json:"secret"`
	Paused bool          `json:"paused"`
	// Owner is the subject of the token that created the subscription.
	Owner string `json:"owner,omitempty"`
	// The creator's organisations: the subscription delivers their plans' events only,
	// and only callers holding all of them manage it. AllOrgs: an operator's.
	Orgs       []string  `json:"orgs,omitempty"`
	AllOrgs    bool      `json:"all_orgs,omitempty"`
	DefaultOrg string    `json:"default_org,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// access is what the subscription may see: its creator's organisations.
func (s Subscription) access() tenancy.Access {
	if s.AllOrgs {
		return tenancy.Operator(s.DefaultOrg)
	}
	return tenancy.ForOrgs(s.DefaultOrg, s.Orgs...)
}

// managedBy says whether a caller with access may see and change the subscription:
// an operator always, anyone else when it holds every organisation the subscription
// delivers for.
func (s Subscription) managedBy(access tenancy.Access) bool {
	if access.All() {
		return true
	}
	if s.AllOrgs || len(s.Orgs) == 0 {
		return false
	}
	for _, o := range s.Orgs {
		if !access.Allows(o) {
			return false
		}
	}
	return true
}

// DeadLetter is an event whose delivery failed every retry, or that waits behind an
// earlier dead letter of its plan. It names the event rather than holding it: the
// event log keeps the event, and redelivery reads it from there.
type DeadLetter struct {
	EventID string      `json:"event_id"`
	Plan    string      `json:"plan"`
	Version int64       `json:"version"`
	Type    events.Type `json:"type"`
	// After is the feed position the subscription stood at before the event: the
	// event is the first of its plan and type after it, which is how redelivery finds
	// it again through the feed.
	After     string    `json:"after"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	FailedAt  time.Time `json:"failed_at"`
}

// State is everything kept of one subscription, stored and updated as one record.
type State struct {
	Subscription Subscription `json:"subscription"`
	// Cursor is the feed cursor after the last event handled (delivered, filtered out
	// or dead-lettered).
	Cursor      string       `json:"cursor"`
	DeadLetters []DeadLetter `json:"dead_letters,omitempty"`
	// Redeliver: an operator asked for the dead letters to be delivered again.
	Redeliver bool `json:"redeliver,omitempty"`
	// Generation counts operator changes (pause, resume, redeliver, discard), so the
	// deliverer notices them and starts over from the stored state.
	Generation int64 `json:"generation"`
	// Delivered counts events delivered, for the API's view.
	Delivered int64 `json:"delivered"`
}

// parked says whether plan has a dead letter, so its later events must wait behind it.
func (s *State) parked(plan string) bool {
	return slices.ContainsFunc(s.DeadLetters, func(d DeadLetter) bool { return d.Plan == plan })
}

// MaxDeadLetters bounds a subscription's dead-letter list: a full list pauses the
// subscription (nothing is lost, its place in the feed stays) until an operator acts.
const MaxDeadLetters = 1000

// ErrNotFound: no subscription (or dead letter) by that id.
var ErrNotFound = errors.New("webhooks: not found")

// InvalidError says a subscription request is invalid (a 400).
type InvalidError struct {
	Field  string
	Reason string
}

func (e *InvalidError) Error() string { return fmt.Sprintf("subscription %s: %s", e.Field, e.Reason) }
