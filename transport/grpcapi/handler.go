package grpcapi

import (
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc"
)

// Handler serves gRPC calls (HTTP/2 requests of content type application/grpc) with g
// and everything else with next, so one port serves REST and gRPC; the HTTP server must
// accept unencrypted HTTP/2 (h2c with prior knowledge, what gRPC clients send to a
// plaintext address). grpc.Server.ServeHTTP is slower than grpc's own transport, which
// --grpc-addr serves (docs/performance.md has both).
func Handler(g *grpc.Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc") {
			next.ServeHTTP(w, r)
			return
		}
		// The HTTP server's read and write timeouts are for requests and answers of
		// bounded size; a Subscribe stream lives as long as its client, whose liveness
		// the gRPC keepalive checks instead.
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		g.ServeHTTP(w, r)
	})
}
