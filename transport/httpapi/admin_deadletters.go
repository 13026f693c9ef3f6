package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/gorilla/mux"

	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/messaging"
)

// DeadLetters are the dead-letter queues of the deployment's consumers.
type DeadLetters interface {
	List(ctx context.Context, consumer string, limit int) ([]messaging.DeadLetter, error)
	Get(ctx context.Context, consumer, id string) (messaging.DeadLetter, error)
	Redeliver(ctx context.Context, consumer, id string) error
	Discard(ctx context.Context, consumer, id string) error
}

// AdminActions is the audit trail of what operators did through the admin routes.
type AdminActions interface {
	Record(ctx context.Context, a AdminAction) error
	Recent(ctx context.Context, limit int) ([]AdminAction, error)
}

// AdminAction is one audited operator action.
type AdminAction struct {
	At            time.Time `json:"at"`
	Actor         string    `json:"actor"`
	Action        string    `json:"action"`
	Consumer      string    `json:"consumer,omitempty"`
	Target        string    `json:"target"`
	Outcome       string    `json:"outcome"`
	CorrelationID string    `json:"correlation_id"`
}

const defaultDeadLetterLimit = 100

type deadLetterList struct {
	Consumer    string                 `json:"consumer"`
	DeadLetters []messaging.DeadLetter `json:"dead_letters"`
}

// deadLetterDetail is one dead letter with the event it carries.
type deadLetterDetail struct {
	messaging.DeadLetter
	Event json.RawMessage `json:"event"`
}

// limitParam reads ?limit= (def when absent).
func limitParam(r *http.Request, def, highest int) (int, error) {
	v, ok, err := intParam(r.URL.Query(), "limit", 1, int64(highest))
	if err != nil || !ok {
		return def, err
	}
	return int(v), nil
}

func (s *Server) deadLetterConsumer(r *http.Request) (string, error) {
	c := mux.Vars(r)["consumer"]
	if !slices.Contains(s.consumers, c) {
		return "", fmt.Errorf("%w: unknown consumer %q (known: %v)", errNotFoundRoute, c, s.consumers)
	}
	return c, nil
}

func (s *Server) listConsumers(w http.ResponseWriter, _ *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string][]string{"consumers": s.consumers})
}

func (s *Server) listDeadLetters(w http.ResponseWriter, r *http.Request) error {
	consumer, err := s.deadLetterConsumer(r)
	if err != nil {
		return err
	}
	limit, err := limitParam(r, defaultDeadLetterLimit, 1000)
	if err != nil {
		return err
	}
	list, err := s.deadLetters.List(r.Context(), consumer, limit)
	if err != nil {
		return err
	}
	if list == nil {
		list = []messaging.DeadLetter{}
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, deadLetterList{Consumer: consumer, DeadLetters: list})
}

func (s *Server) getDeadLetter(w http.ResponseWriter, r *http.Request) error {
	consumer, err := s.deadLetterConsumer(r)
	if err != nil {
		return err
	}
	dl, err := s.deadLetters.Get(r.Context(), consumer, mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	d := deadLetterDetail{DeadLetter: dl}
	if json.Valid(dl.Payload) {
		d.Event = dl.Payload
	} else {
		d.Event, _ = json.Marshal(string(dl.Payload))
	}
	return writeJSON(w, http.StatusOK, d)
}

func (s *Server) redeliverDeadLetter(w http.ResponseWriter, r *http.Request) error {
	return s.settleDeadLetter(w, r, "redeliver", s.deadLetters.Redeliver)
}

func (s *Server) discardDeadLetter(w http.ResponseWriter, r *http.Request) error {
	return s.settleDeadLetter(w, r, "discard", s.deadLetters.Discard)
}

// settleDeadLetter runs an action on one dead letter and audits it, whatever the outcome.
func (s *Server) settleDeadLetter(w http.ResponseWriter, r *http.Request, action string, act func(context.Context, string, string) error) error {
	consumer, err := s.deadLetterConsumer(r)
	if err != nil {
		return err
	}
	id := mux.Vars(r)["id"]
	err = act(r.Context(), consumer, id)
	outcome := "done"
	if err != nil {
		outcome = "failed: " + err.Error()
	}
	s.audited(r, AdminAction{Action: "dead-letter." + action, Consumer: consumer, Target: id, Outcome: outcome})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": outcome, "id": id, "consumer": consumer, "action": action})
}

// audited records an admin action in the log and, when configured, the audit trail.
func (s *Server) audited(r *http.Request, a AdminAction) {
	p, _ := auth.PrincipalFrom(r.Context())
	a.At, a.Actor, a.CorrelationID = time.Now().UTC(), p.Subject, correlationIDFrom(r.Context())
	s.log.InfoContext(r.Context(), "admin action", slog.String("actor", a.Actor), slog.String("action", a.Action),
		slog.String("consumer", a.Consumer), slog.String("target", a.Target), slog.String("outcome", a.Outcome),
		slog.String("correlation_id", a.CorrelationID))
	if s.adminActions == nil {
		return
	}
	if err := s.adminActions.Record(context.WithoutCancel(r.Context()), a); err != nil {
		s.log.ErrorContext(r.Context(), "admin action not recorded in the audit trail", slog.Any("error", err))
	}
}

func (s *Server) recentAdminActions(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r, 50, 1000)
	if err != nil {
		return err
	}
	list, err := s.adminActions.Recent(r.Context(), limit)
	if err != nil {
		return err
	}
	if list == nil {
		list = []AdminAction{}
	}
	return writeJSON(w, http.StatusOK, map[string][]AdminAction{"actions": list})
}
