package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/webhooks"
)

// subscriptionService is the webhook subscriptions' handler (webhooks.Service).
type subscriptionService interface {
	Create(ctx context.Context, req webhooks.CreateRequest) (webhooks.State, error)
	List(ctx context.Context) ([]webhooks.State, error)
	Get(ctx context.Context, id string) (webhooks.State, error)
	SetPaused(ctx context.Context, id string, paused bool) (webhooks.State, error)
	Delete(ctx context.Context, id string) error
	Redeliver(ctx context.Context, id string) (webhooks.State, error)
	Discard(ctx context.Context, id, eventID string) (webhooks.State, error)
}

// subscriptionBody is POST /v1/subscriptions' request.
type subscriptionBody struct {
	URL    string        `json:"url"`
	Types  []events.Type `json:"types"`
	Plan   string        `json:"plan"`
	Secret string        `json:"secret"`
	From   string        `json:"from"`
}

// subscriptionView is a subscription as the API shows it. The secret is shown once,
// in the answer to the create.
type subscriptionView struct {
	ID          string        `json:"id"`
	URL         string        `json:"url"`
	Types       []events.Type `json:"types"`
	Plan        string        `json:"plan,omitempty"`
	Secret      string        `json:"secret,omitempty"`
	Paused      bool          `json:"paused"`
	Owner       string        `json:"owner,omitempty"`
	Orgs        []string      `json:"orgs,omitempty"`
	AllOrgs     bool          `json:"all_orgs,omitempty"`
	CreatedAt   time.Time     `json:"created_at"`
	Position    string        `json:"position"`
	Delivered   int64         `json:"delivered"`
	DeadLetters int           `json:"dead_letters"`
	Redeliver   bool          `json:"redelivery_pending"`
}

func viewOf(st webhooks.State, withSecret bool) subscriptionView {
	v := subscriptionView{
		ID: st.Subscription.ID, URL: st.Subscription.URL, Types: st.Subscription.Types, Plan: st.Subscription.Plan,
		Paused: st.Subscription.Paused, Owner: st.Subscription.Owner, Orgs: st.Subscription.Orgs, AllOrgs: st.Subscription.AllOrgs, CreatedAt: st.Subscription.CreatedAt,
		Position: st.Cursor, Delivered: st.Delivered, DeadLetters: len(st.DeadLetters), Redeliver: st.Redeliver,
	}
	if v.Types == nil {
		v.Types = []events.Type{}
	}
	if withSecret {
		v.Secret = st.Subscription.Secret
	}
	return v
}

// writeSubscription answers with the subscription an operation left (its secret withheld),
// or returns the operation's error.
func writeSubscription(w http.ResponseWriter, status int, st webhooks.State, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, status, viewOf(st, false))
}

func (s *Server) createSubscription(w http.ResponseWriter, r *http.Request) error {
	raw, err := s.readBody(r, "application/json")
	if err != nil {
		return err
	}
	// encoding/json takes null for a string as ""; the document says a string.
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return &webhooks.InvalidError{Field: "body", Reason: "is not a JSON object"}
	}
	for name, v := range members {
		if string(bytes.TrimSpace(v)) == "null" {
			return &webhooks.InvalidError{Field: name, Reason: "must not be null"}
		}
	}
	var body subscriptionBody
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return &webhooks.InvalidError{Field: "body", Reason: fmt.Sprintf("is not a subscription: %v", err)}
	}
	owner := ""
	if p, ok := auth.PrincipalFrom(r.Context()); ok {
		owner = p.Subject
	}
	st, err := s.subscriptions.Create(r.Context(), webhooks.CreateRequest{
		URL: body.URL, Types: body.Types, Plan: body.Plan, Secret: body.Secret, From: body.From, Owner: owner,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/subscriptions/"+st.Subscription.ID)
	return writeJSON(w, http.StatusCreated, viewOf(st, true))
}

func (s *Server) listSubscriptions(w http.ResponseWriter, r *http.Request) error {
	states, err := s.subscriptions.List(r.Context())
	if err != nil {
		return err
	}
	out := make([]subscriptionView, len(states))
	for i, st := range states {
		out[i] = viewOf(st, false)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) getSubscription(w http.ResponseWriter, r *http.Request) error {
	st, err := s.subscriptions.Get(r.Context(), mux.Vars(r)["id"])
	return writeSubscription(w, http.StatusOK, st, err)
}

func (s *Server) deleteSubscription(w http.ResponseWriter, r *http.Request) error {
	if err := s.subscriptions.Delete(r.Context(), mux.Vars(r)["id"]); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) pauseSubscription(paused bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		st, err := s.subscriptions.SetPaused(r.Context(), mux.Vars(r)["id"], paused)
		return writeSubscription(w, http.StatusOK, st, err)
	}
}

func (s *Server) listSubscriptionDeadLetters(w http.ResponseWriter, r *http.Request) error {
	st, err := s.subscriptions.Get(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	letters := st.DeadLetters
	if letters == nil {
		letters = []webhooks.DeadLetter{}
	}
	return writeJSON(w, http.StatusOK, letters)
}

func (s *Server) redeliverDeadLetters(w http.ResponseWriter, r *http.Request) error {
	st, err := s.subscriptions.Redeliver(r.Context(), mux.Vars(r)["id"])
	return writeSubscription(w, http.StatusAccepted, st, err)
}

func (s *Server) discardDeadLetters(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.subscriptions.Discard(r.Context(), mux.Vars(r)["id"], mux.Vars(r)["event"]); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
