package webhooks

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/planstore/planstore/events"
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
	Owner     string    `json:"owner,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// DeadLetter is an event whose delivery failed every retry, or that waits behind an
// earlier dead letter of its plan. It names the event rather than holding it: the
// event log keeps the event, and redelivery reads it from there.
type DeadLetter struct {
	EventID   string      `json:"event_id"`
	Plan      string      `json:"plan"`
	Version   int64       `json:"version"`
	Type      events.Type `json:"type"`
	Attempts  int         `json:"attempts"`
	LastError string      `json:"last_error"`
	FailedAt  time.Time   `json:"failed_at"`
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
