package client

import (
	"net"
	"net/http"
	"time"
)

// NewTransport returns a transport that keeps one idle keep-alive connection per
// concurrent caller. The default transport keeps only 2 per host, so with more callers
// most requests would open (and later close) a fresh TCP connection, and the test would
// measure connection setup and TIME_WAIT exhaustion instead of the server.
func NewTransport(conns int) *http.Transport {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 nil, // a benchmark must not go through an environment proxy
		DialContext:           dialer.DialContext,
		MaxIdleConns:          conns,
		MaxIdleConnsPerHost:   conns,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 0, // the client's overall timeout applies
		// planstore does not compress, and asking would only cost header bytes.
		DisableCompression: true,
		// Plain HTTP/1.1 keep-alive, as most API clients talk to a service behind a
		// proxy; HTTP/2 would multiplex and change what is measured.
		ForceAttemptHTTP2: false,
	}
}
