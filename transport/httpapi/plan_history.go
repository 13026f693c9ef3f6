package httpapi

import (
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/planstore/planstore/queries"
)

// getPlan answers the current plan, or with ?version=N or ?as_of=<RFC 3339> the plan as
// it was then, read from the event log, with the ETag of that version.
func (s *Server) getPlan(w http.ResponseWriter, r *http.Request) error {
	id := mux.Vars(r)["id"]
	q := r.URL.Query()
	version, byVersion, err := intParam(q, "version", 1, math.MaxInt64)
	if err != nil {
		return err
	}
	asOf, byTime, err := timeParam(q, "as_of")
	if err != nil {
		return err
	}
	var view queries.PlanView
	switch {
	case byVersion && byTime:
		return &paramError{"as_of", "give either version or as_of, not both"}
	case byVersion:
		view, err = s.plans.GetVersion(r.Context(), id, version)
	case byTime:
		view, err = s.plans.GetAsOf(r.Context(), id, asOf)
	default:
		view, err = s.plans.Get(r.Context(), id)
	}
	if err != nil {
		return err
	}
	if noneMatch(r.Header.Get("If-None-Match"), view.Version) {
		w.Header().Set("ETag", etagFor(view.Version))
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	return writePlan(w, http.StatusOK, view.Version, view.Document)
}

// planEvents pages through a plan's events in version order: ?after_version=N starts
// after version N, ?limit= bounds the page (default and maximum queries.MaxHistoryPage).
// A Link header with rel="next" points at the next page while there is one.
func (s *Server) planEvents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	after, _, err := intParam(q, "after_version", 0, math.MaxInt64)
	if err != nil {
		return err
	}
	limit, _, err := intParam(q, "limit", 1, queries.MaxHistoryPage)
	if err != nil {
		return err
	}
	page, err := s.plans.HistoryAfter(r.Context(), mux.Vars(r)["id"], after, int(limit))
	if err != nil {
		return err
	}
	if page.More && len(page.Events) > 0 {
		next := url.Values{"after_version": {strconv.FormatInt(page.Events[len(page.Events)-1].Version, 10)}}
		if limit > 0 {
			next.Set("limit", strconv.FormatInt(limit, 10))
		}
		w.Header().Set("Link", "<"+r.URL.Path+"?"+next.Encode()+`>; rel="next"`)
	}
	return writeJSON(w, http.StatusOK, page.Events)
}
