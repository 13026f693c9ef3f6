// Package httpapi is the HTTP transport of planstore: routing (gorilla/mux), auth,
// body limits, ETag preconditions and the one place where errors become responses.
package httpapi

import (
	"encoding/json"
	"net/http"
)

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail,omitempty"`
	Errors []FieldProblem `json:"errors,omitempty"`
	// CorrelationID lets a user quote the request when asking an operator about it.
	CorrelationID string `json:"correlation_id,omitempty"`
}

// FieldProblem names one invalid field by its JSON path.
type FieldProblem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// problemTypePrefix makes problem types stable URNs: they identify, they need not resolve.
const problemTypePrefix = "urn:planstore:problem:"

func newProblem(status int, slug, title, detail string) Problem {
	return Problem{Type: problemTypePrefix + slug, Title: title, Status: status, Detail: detail}
}

func writeProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	p.CorrelationID = correlationIDFrom(r.Context())
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
