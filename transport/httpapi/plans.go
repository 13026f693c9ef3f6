package httpapi

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/transport/auth"
)

// Media types accepted for plan documents and merge patches.
const (
	mediaJSON       = "application/json"
	mediaMergePatch = "application/merge-patch+json"
)

func (s *Server) createPlan(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.readPlan(r)
	if err != nil {
		return err
	}
	res, err := s.commands.Create.Handle(r.Context(), commands.CreatePlan{Plan: doc, Meta: s.metadata(r)})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/plans/"+res.PlanID)
	return writePlan(w, http.StatusCreated, res.Version, res.Document)
}

func (s *Server) replacePlan(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.readPlan(r)
	if err != nil {
		return err
	}
	res, err := s.commands.Replace.Handle(r.Context(), commands.ReplacePlan{Target: s.target(r), Plan: doc})
	return writeChanged(w, res, err)
}

func (s *Server) patchPlan(w http.ResponseWriter, r *http.Request) error {
	body, err := s.readBody(r, mediaMergePatch, mediaJSON)
	if err != nil {
		return err
	}
	res, err := s.commands.Patch.Handle(r.Context(), commands.PatchPlan{Target: s.target(r), Patch: body})
	return writeChanged(w, res, err)
}

func (s *Server) deletePlan(w http.ResponseWriter, r *http.Request) error {
	_, err := s.commands.Delete.Handle(r.Context(), commands.DeletePlan{Target: s.target(r)})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// planAudit lists a plan's audit trail: every event of its log, when, from whom, under
// which correlation id.
func (s *Server) planAudit(w http.ResponseWriter, r *http.Request) error {
	// Found within the caller's organisations, so another organisation's trail is never
	// read; the events read to find it are the trail.
	if s.plans == nil {
		return errNotFoundRoute
	}
	key, history, err := s.plans.LocateHistory(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		return err
	}
	entries, err := s.audit.ForHistory(r.Context(), key, history)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, entries)
}

// readPlan reads, decodes and checks a plan document body.
func (s *Server) readPlan(r *http.Request) (plan.Checked, error) {
	body, err := s.readBody(r, mediaJSON)
	if err != nil {
		return plan.Checked{}, err
	}
	return plan.DecodeChecked(body)
}

// writeChanged answers a replace or a patch: its error, or the plan it left.
func writeChanged(w http.ResponseWriter, res commands.Result, err error) error {
	if err != nil {
		return err
	}
	return writePlan(w, http.StatusOK, res.Version, res.Document)
}

// writePlan answers with a plan document and its strong ETag. no-cache lets clients keep
// the copy but revalidate it with If-None-Match every time.
func writePlan(w http.ResponseWriter, status int, version int64, doc []byte) error {
	w.Header().Set("ETag", etagFor(version))
	w.Header().Set("Cache-Control", "no-cache")
	return writeRawJSON(w, status, doc)
}

// target is the plan the request's path names, with its If-Match and its sender.
func (s *Server) target(r *http.Request) commands.Target {
	return commands.Target{
		PlanID:       mux.Vars(r)["id"],
		Precondition: ifMatchPrecondition(r.Header.Get("If-Match")),
		Meta:         s.metadata(r),
	}
}

func (s *Server) metadata(r *http.Request) commands.Metadata {
	actor := ""
	if p, ok := auth.PrincipalFrom(r.Context()); ok {
		actor = p.Subject
	}
	return commands.Metadata{Actor: actor, CorrelationID: correlationIDFrom(r.Context())}
}
