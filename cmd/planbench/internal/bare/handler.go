// Package bare is the baseline planstore's reads are compared with: a plain net/http
// handler that serves stored plan bytes with their ETag and answers If-None-Match, and
// does nothing else (no auth, no router, no store). The gap between the two is the
// cost of everything planstore does per read.
package bare

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// Entry is one plan as planstore served it.
type Entry struct {
	Body []byte
	ETag string
}

// Handler serves GET /v1/plans/{id} from plans, which it must not be modified after.
func Handler(plans map[string]Entry) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := strings.CutPrefix(r.URL.Path, "/v1/plans/")
		e, found := plans[id]
		if !ok || !found || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("ETag", e.ETag)
		h.Set("Cache-Control", "no-cache")
		if r.Header.Get("If-None-Match") == e.ETag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", "application/json")
		_, _ = w.Write(e.Body) // a client that went away is not the handler's problem
	})
}

// Server is a running baseline server.
type Server struct {
	URL string
	srv *http.Server
}

// Start serves h on a free loopback port.
func Start(h http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the baseline server: %w", err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = s.srv.Serve(ln) }() // returns ErrServerClosed on Close
	return s, nil
}

// Close stops the server.
func (s *Server) Close(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("stop the baseline server: %w", err)
	}
	return nil
}
