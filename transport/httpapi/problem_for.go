package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/google/uuid"
)

// ProblemFor is the problem writeError answers for err, with the headers it sets
// (Retry-After, WWW-Authenticate). writeError stays the one place where errors are
// classified: another transport (gRPC, transport/grpcapi) translates the problem
// instead of classifying errors again, so both answer every error alike, including
// the kinds added later. method and path only name the call in log lines.
func (s *Server) ProblemFor(ctx context.Context, method, path string, err error) (Problem, http.Header) {
	rec := &problemRecorder{header: http.Header{}}
	r := (&http.Request{Method: method, URL: &url.URL{Path: path}, Header: http.Header{}}).WithContext(ctx)
	s.writeError(rec, r, err)
	p := Problem{Status: rec.status}
	if jerr := json.Unmarshal(rec.body.Bytes(), &p); jerr != nil {
		p = newProblem(http.StatusInternalServerError, "internal", "Internal error", "")
	}
	p.Status = rec.status
	rec.header.Del("Content-Type")
	rec.header.Del("Cache-Control")
	return p, rec.header
}

// ProblemSlug is the last part of a problem type ("precondition-failed"), the stable
// reason a client can switch on.
func ProblemSlug(p Problem) string {
	if len(p.Type) > len(problemTypePrefix) && p.Type[:len(problemTypePrefix)] == problemTypePrefix {
		return p.Type[len(problemTypePrefix):]
	}
	return p.Type
}

// WithCorrelationID returns ctx carrying a correlation id for transports outside this
// package's middleware: the id a client sent when it is sane (CorrelationIDOrNew), so
// events, log lines and problems quote it as they do for HTTP requests.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, exchangeKey{}, &exchange{correlationID: id})
}

// CorrelationIDOrNew keeps a client's correlation id when it is short and log-safe, and
// makes one otherwise.
func CorrelationIDOrNew(id string) string {
	if validCorrelationID.MatchString(id) {
		return id
	}
	return uuid.NewString()
}

// CorrelationIDFrom is the correlation id of ctx ("" when none).
func CorrelationIDFrom(ctx context.Context) string { return correlationIDFrom(ctx) }

// problemRecorder is the ResponseWriter ProblemFor lets writeError write to.
type problemRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *problemRecorder) Header() http.Header { return r.header }

func (r *problemRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *problemRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
