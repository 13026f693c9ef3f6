package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
)

// CorrelationHeader carries the id that follows a write through the bus into every
// projection and log line.
const CorrelationHeader = "X-Correlation-ID"

// validCorrelationID keeps client-chosen ids short and log-safe.
var validCorrelationID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// exchangeKey holds the request's *exchange.
type exchangeKey struct{}

// exchange is what the middleware learns about one request: its correlation id, set by
// correlate, and its route template, filled in by labelRoute inside the router for
// observe, which wraps the router and so cannot see the route itself. One value in the
// context for both, so a request is copied once for them, not twice (every
// WithContext copies the whole *http.Request).
type exchange struct {
	correlationID string
	route         string
}

func exchangeFrom(ctx context.Context) *exchange {
	x, _ := ctx.Value(exchangeKey{}).(*exchange)
	return x
}

func correlationIDFrom(ctx context.Context) string {
	if x := exchangeFrom(ctx); x != nil {
		return x.correlationID
	}
	return ""
}

// correlate takes the caller's correlation id when it is sane, or makes one.
func (s *Server) correlate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(CorrelationHeader)
		if !validCorrelationID.MatchString(id) {
			id = uuid.NewString()
		}
		w.Header().Set(CorrelationHeader, id)
		x := &exchange{correlationID: id, route: "unmatched"}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x)))
	})
}

// recoverPanics turns a panic into a logged 500 instead of a dropped connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v) // net/http's own signal to abort the response silently
				}
				s.writeError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status code for logs and metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// labelRoute runs inside the router, where the matched route is known, and hands its
// template out to observe.
func labelRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if x := exchangeFrom(r.Context()); x != nil {
			if cr := mux.CurrentRoute(r); cr != nil {
				if tpl, err := cr.GetPathTemplate(); err == nil {
					x.route = tpl
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// observe records request metrics per route template and logs each request: failures at
// info so they are seen, successes at debug so a load does not drown the log. It runs
// inside correlate, whose exchange carries the route back out of the router.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		x := exchangeFrom(r.Context())
		if x == nil { // not behind correlate: an exchange of its own
			x = &exchange{route: "unmatched"}
			r = r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x))
		}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		elapsed := time.Since(start)
		s.metrics.observe(x.route, r.Method, rec.status, elapsed)
		level := slog.LevelDebug
		if rec.status >= 400 {
			level = slog.LevelInfo
		}
		s.log.LogAttrs(r.Context(), level, "http request",
			slog.String("method", r.Method), slog.String("route", x.route), slog.Int("status", rec.status),
			slog.Duration("duration", elapsed), slog.String("correlation_id", x.correlationID))
	})
}

// Unwrap lets http.ResponseController reach the connection (flushes and write
// deadlines of the Server-Sent Events stream).
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
