package httpapi

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/planstore/planstore/imports"
	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
)

// Importer runs bulk imports (package imports): it reads an upload into a job whose
// chunks the workers process, and keeps the jobs.
type Importer interface {
	Ingest(ctx context.Context, req imports.Request) (imports.Job, error)
	MaxBytes() int64
	Store() imports.Store
}

// Media types of an import upload: NDJSON by any of its names, or a gzip file of it.
var importMediaTypes = []string{"application/x-ndjson", "application/ndjson", "application/jsonl", "application/gzip"}

// uploadReadTimeout is how long an upload may pause between reads. The server's read
// timeout bounds a whole request, which a large upload outlasts; each read moves the
// deadline on instead.
const uploadReadTimeout = 30 * time.Second

func (s *Server) startImport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	mode, err := imports.ParseMode(q.Get("mode"))
	if err != nil || (q.Has("mode") && q.Get("mode") == "") {
		return &paramError{name: "mode", message: "must be create or upsert"}
	}
	mediaType, err := acceptedMediaType(r.Header.Get("Content-Type"), importMediaTypes)
	if err != nil {
		return err
	}
	encoding := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	gzipped := mediaType == "application/gzip" || encoding == "gzip"
	if encoding != "" && encoding != "gzip" && encoding != "identity" {
		return fmt.Errorf("%w: Content-Encoding %q; send gzip or nothing", errUnsupportedMediaType, encoding)
	}
	if !gzipped && r.ContentLength > s.imports.MaxBytes() {
		return fmt.Errorf("%w: the limit is %d bytes", imports.ErrTooLarge, s.imports.MaxBytes())
	}
	var body io.Reader = &deadlineReader{r: r.Body, rc: http.NewResponseController(w)}
	if gzipped {
		zr, err := gzip.NewReader(body)
		if err != nil {
			return fmt.Errorf("%w: not gzip: %w", errBodyUnreadable, err)
		}
		defer zr.Close()
		body = zr
	}
	principal, _ := auth.PrincipalFrom(r.Context())
	job, err := s.imports.Ingest(r.Context(), imports.Request{
		Body: body, Mode: mode, Principal: principal, Access: tenancy.FromContext(r.Context()),
		CorrelationID: correlationIDFrom(r.Context()),
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/imports/"+job.ID)
	return writeJSON(w, http.StatusAccepted, imports.StatusOf(job, time.Now()))
}

// ownJob reads the route's job; a job of another caller is not found, as if it did not
// exist.
func (s *Server) ownJob(r *http.Request) (imports.Job, error) {
	id := mux.Vars(r)["job"]
	job, err := s.imports.Store().Job(r.Context(), id)
	if err != nil {
		return imports.Job{}, err
	}
	if p, _ := auth.PrincipalFrom(r.Context()); p.Subject != job.Principal.Subject {
		return imports.Job{}, fmt.Errorf("import %s: %w", id, imports.ErrJobNotFound)
	}
	return job, nil
}

func (s *Server) importStatus(w http.ResponseWriter, r *http.Request) error {
	job, err := s.ownJob(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, imports.StatusOf(job, time.Now()))
}

func (s *Server) importErrors(w http.ResponseWriter, r *http.Request) error {
	job, err := s.ownJob(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-store")
	return s.imports.Store().WriteErrors(r.Context(), job.ID, w)
}

func (s *Server) cancelImport(w http.ResponseWriter, r *http.Request) error {
	job, err := s.ownJob(r)
	if err != nil {
		return err
	}
	if job, err = s.imports.Store().Cancel(r.Context(), job.ID, time.Now()); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, imports.StatusOf(job, time.Now()))
}

// deadlineReader moves the connection's read deadline on before each read.
type deadlineReader struct {
	r    io.Reader
	rc   *http.ResponseController
	next time.Time
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	if now := time.Now(); now.After(d.next) { // at most once a second
		_ = d.rc.SetReadDeadline(now.Add(uploadReadTimeout))
		d.next = now.Add(time.Second)
	}
	return d.r.Read(p)
}

// writeImportError answers the errors of the import routes; false: not one of them.
func (s *Server) writeImportError(w http.ResponseWriter, r *http.Request, err error) bool {
	var upload *imports.UploadError
	jobNote := ""
	if errors.As(err, &upload) {
		jobNote = fmt.Sprintf("; import %s keeps the lines received before (GET /v1/imports/%s)", upload.Job.ID, upload.Job.ID)
		w.Header().Set("Location", "/v1/imports/"+upload.Job.ID)
	}
	switch {
	case errors.Is(err, imports.ErrJobNotFound):
		writeProblem(w, r, newProblem(http.StatusNotFound, "not-found", "Not found", "no import job with this id is yours"))
	case errors.Is(err, imports.ErrJobFinished):
		writeProblem(w, r, newProblem(http.StatusConflict, "import-finished", "The import has already ended", err.Error()))
	case errors.Is(err, imports.ErrTooLarge), errors.Is(err, imports.ErrLineTooLong):
		w.Header().Set("Connection", "close")
		writeProblem(w, r, newProblem(http.StatusRequestEntityTooLarge, "import-too-large", "The import is too large", err.Error()+jobNote))
	case upload != nil && errors.Is(err, os.ErrDeadlineExceeded):
		w.Header().Set("Connection", "close")
		writeProblem(w, r, newProblem(http.StatusRequestTimeout, "body-timeout", "The upload paused too long",
			fmt.Sprintf("no byte arrived for %s%s", uploadReadTimeout, jobNote)))
	case upload != nil && !errors.Is(err, context.Canceled):
		w.Header().Set("Connection", "close")
		writeProblem(w, r, newProblem(http.StatusBadRequest, "body-unreadable", "The upload could not be read",
			err.Error()+jobNote))
	default:
		return false
	}
	return true
}
