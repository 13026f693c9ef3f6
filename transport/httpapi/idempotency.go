package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/planstore/planstore/idempotency"
	"github.com/planstore/planstore/transport/auth"
)

// IdempotencyStore remembers the first answer to each Idempotency-Key.
type IdempotencyStore interface {
	Begin(ctx context.Context, key, fp string) (*idempotency.Response, error)
	Complete(ctx context.Context, key, fp string, r idempotency.Response) error
	Abandon(ctx context.Context, key string) error
}

// maxIdempotencyKey bounds the header's length.
const maxIdempotencyKey = 255

// replayedHeaders are the response headers a replay repeats.
var replayedHeaders = []string{"Content-Type", "ETag", "Location", "Cache-Control"}

// idempotent makes a write honour Idempotency-Key (IETF httpapi draft): the first
// request with a key runs and its answer is kept for idempotency.TTL; a retry with the
// same key and the same request (method, path, If-Match, Content-Type and body) gets that
// answer again, a different request with the key 422, and a retry while the first still
// runs 409. Keys are the caller's own: two callers may use the same key. Answers of 5xx
// are not kept, so a retry after a server fault runs again.
func (s *Server) idempotent(h handlerFunc) handlerFunc {
	if s.idempotency == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		raw, sent := r.Header["Idempotency-Key"]
		if !sent {
			return h(w, r)
		}
		key := strings.TrimSpace(strings.Join(raw, ","))
		if unquoted := strings.Trim(key, `"`); unquoted != "" { // a structured-field string, or bare
			key = unquoted
		}
		if key == "" || len(key) > maxIdempotencyKey {
			return &paramError{name: "Idempotency-Key", message: fmt.Sprintf("must be 1 to %d characters", maxIdempotencyKey)}
		}
		if r.ContentLength > s.maxBodyBytes {
			return errBodyTooLarge
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, s.maxBodyBytes+1))
		if err != nil {
			return bodyReadError(err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		principal, _ := auth.PrincipalFrom(r.Context())
		scoped := principal.Subject + "\x00" + key
		fp := fingerprint(r, body)
		stored, err := s.idempotency.Begin(r.Context(), scoped, fp)
		if err != nil {
			return err
		}
		if stored != nil {
			return replayAnswer(w, *stored)
		}
		rec := &responseRecorder{header: http.Header{}, status: http.StatusOK}
		if err := h(rec, r); err != nil {
			s.writeError(rec, r, err)
		}
		ctx := context.WithoutCancel(r.Context())
		resp := idempotency.Response{Status: rec.status, Header: http.Header{}, Body: rec.body.Bytes()}
		for _, name := range replayedHeaders {
			if v := rec.header.Values(name); len(v) > 0 {
				resp.Header[name] = v
			}
		}
		if rec.status >= 500 {
			if err := s.idempotency.Abandon(ctx, scoped); err != nil {
				s.log.WarnContext(ctx, "idempotency key not released", slog.Any("error", err))
			}
		} else if err := s.idempotency.Complete(ctx, scoped, fp, resp); err != nil {
			// The write happened; only a retry's replay is lost (it would run again and
			// get 409 or 412, as without a key). Not worth failing the answer for.
			s.log.WarnContext(ctx, "idempotency answer not stored", slog.Any("error", err))
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, err = w.Write(rec.body.Bytes())
		return err
	}
}

// fingerprint identifies the request a key was first used for.
func fingerprint(r *http.Request, body []byte) string {
	h := sha256.New()
	for _, part := range []string{r.Method, r.URL.Path, r.Header.Get("If-Match"), r.Header.Get("Content-Type")} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func replayAnswer(w http.ResponseWriter, resp idempotency.Response) error {
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.Status)
	_, err := w.Write(resp.Body)
	return err
}

// responseRecorder keeps what a handler writes, to store it before it is sent.
type responseRecorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *responseRecorder) Header() http.Header { return r.header }

func (r *responseRecorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

func (r *responseRecorder) Write(p []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(p)
}
