package client

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// wire sends requests over plain HTTP/1.1 keep-alive connections, one request at a time
// on each, written and read by the calling goroutine.
//
// net/http's Transport hands every request to two goroutines of its connection (a
// writer and a reader) and back, and http.Client's Timeout starts a timer goroutine per
// request: measured under create-only load, that machinery was over half of planbench's
// CPU (70-90 µs a request, 0.29 of this 2-core machine's cores at 4,000 creates/s), all
// of it taken from the server it measures. wrk, which the issues' first figures came
// from, spends a fraction of that. Responses are still parsed by http.ReadResponse.
type wire struct {
	addr    string // host:port to dial
	host    string // the Host header
	timeout time.Duration

	mu   sync.Mutex
	idle []*wireConn
	max  int // idle connections kept
}

type wireConn struct {
	net.Conn
	r         *bufio.Reader
	out       []byte // the request being sent, reused from request to request
	idleSince time.Time
}

// maxIdle is how long an idle connection is kept. Unlike net/http's, nothing reads a
// wire connection while it idles, so a server that closed it would only be noticed by
// the next request's failure: planstore closes idle connections after 2 minutes.
const maxIdle = 30 * time.Second

func newWire(host string, conns int, timeout time.Duration) *wire {
	addr := host
	if _, _, err := net.SplitHostPort(host); err != nil {
		addr = net.JoinHostPort(host, "80")
	}
	return &wire{addr: addr, host: host, timeout: timeout, max: conns}
}

var wireDialer = net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}

func (w *wire) get(ctx context.Context) (*wireConn, error) {
	w.mu.Lock()
	for n := len(w.idle); n > 0; n = len(w.idle) {
		c := w.idle[n-1]
		w.idle = w.idle[:n-1]
		if time.Since(c.idleSince) < maxIdle {
			w.mu.Unlock()
			return c, nil
		}
		_ = c.Close()
	}
	w.mu.Unlock()
	conn, err := wireDialer.DialContext(ctx, "tcp", w.addr)
	if err != nil {
		return nil, err
	}
	return &wireConn{Conn: conn, r: bufio.NewReaderSize(conn, 16<<10)}, nil
}

func (w *wire) put(c *wireConn) {
	c.idleSince = time.Now()
	w.mu.Lock()
	if len(w.idle) < w.max {
		w.idle = append(w.idle, c)
		w.mu.Unlock()
		return
	}
	w.mu.Unlock()
	_ = c.Close()
}

func (w *wire) closeIdle() {
	w.mu.Lock()
	idle := w.idle
	w.idle = nil
	w.mu.Unlock()
	for _, c := range idle {
		_ = c.Close()
	}
}

// do sends req and reads its answer as Client.Do does. The connection goes back to the
// pool only after a complete answer that did not ask to close it.
func (w *wire) do(ctx context.Context, auth string, req Request) (Response, error) {
	c, err := w.get(ctx)
	if err != nil {
		return Response{}, err
	}
	deadline := time.Time{}
	if w.timeout > 0 {
		deadline = time.Now().Add(w.timeout)
	}
	if d, ok := ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
		deadline = d
	}
	if err := c.SetDeadline(deadline); err != nil {
		_ = c.Close()
		return Response{}, err
	}
	// A cancelled context ends the exchange at once, as net/http's would.
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
	out, reusable, err := w.exchange(c, auth, req)
	forced := !stop() // the deadline was cut short: the connection cannot be trusted
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	if err != nil || !reusable || forced {
		_ = c.Close()
	} else {
		w.put(c)
	}
	return out, err
}

func (w *wire) exchange(c *wireConn, auth string, req Request) (Response, bool, error) {
	var err error
	if c.out, err = appendRequest(c.out[:0], w.host, auth, req); err != nil {
		return Response{}, false, err
	}
	if _, err := c.Write(c.out); err != nil {
		return Response{}, false, fmt.Errorf("send %s %s: %w", req.Method, req.Path, err)
	}
	res, err := http.ReadResponse(c.r, &http.Request{Method: req.Method})
	if err != nil {
		return Response{}, false, fmt.Errorf("read %s %s response: %w", req.Method, req.Path, err)
	}
	out, err := readAnswer(res, req.KeepBody)
	_ = res.Body.Close()
	if err != nil {
		return Response{}, false, fmt.Errorf("read %s %s response: %w", req.Method, req.Path, err)
	}
	return out, !res.Close, nil
}

// appendRequest appends req as HTTP/1.1 with what Client.Do's net/http request carries:
// Host, the bearer token, the conditional headers, and the body with its length. It
// refuses what net/http would: a line break in a header, a method that is no token.
func appendRequest(b []byte, host, auth string, req Request) ([]byte, error) {
	for _, v := range []string{host, auth, req.ContentType, req.IfMatch, req.IfNoneMatch} {
		if strings.ContainsAny(v, "\r\n\x00") {
			return b, fmt.Errorf("build %s %s: a header value holds a line break", req.Method, req.Path)
		}
	}
	if req.Method == "" || strings.ContainsAny(req.Method, " \t\r\n") {
		return b, fmt.Errorf("build %q %s: invalid method", req.Method, req.Path)
	}
	target, err := requestTarget(req.Path)
	if err != nil {
		return b, fmt.Errorf("build %s %s: %w", req.Method, req.Path, err)
	}
	b = append(b, req.Method...)
	b = append(b, ' ')
	b = append(b, target...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\nUser-Agent: planbench\r\n"...)
	b = appendHeader(b, "Authorization", auth)
	b = appendHeader(b, "Content-Type", req.ContentType)
	b = appendHeader(b, "If-Match", req.IfMatch)
	b = appendHeader(b, "If-None-Match", req.IfNoneMatch)
	if req.Body != nil || req.Method == http.MethodPost || req.Method == http.MethodPut || req.Method == http.MethodPatch {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, int64(len(req.Body)), 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	return append(b, req.Body...), nil
}

func appendHeader(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, name...)
	b = append(b, ": "...)
	b = append(b, value...)
	return append(b, "\r\n"...)
}

// requestTarget is path as net/http would send it below the base URL: as it is when it
// needs no escaping, which every planbench path does not, else escaped by net/url.
func requestTarget(path string) (string, error) {
	plain := strings.HasPrefix(path, "/")
	for i := 0; plain && i < len(path); i++ {
		plain = path[i] > ' ' && path[i] < 0x7f
	}
	if plain {
		return path, nil
	}
	u, err := url.Parse(path)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path
	}
	return u.RequestURI(), nil
}

// readAnswer reduces res to a Response, reading its body to the end (which is what lets
// a keep-alive connection take the next request).
func readAnswer(res *http.Response, keepBody bool) (Response, error) {
	out := Response{Status: res.StatusCode, ETag: res.Header.Get("ETag"), Location: res.Header.Get("Location")}
	var err error
	switch {
	case res.StatusCode >= 400:
		out.Body, err = io.ReadAll(io.LimitReader(res.Body, errorBodyLimit))
		if err == nil {
			_, err = io.Copy(io.Discard, res.Body)
		}
	case keepBody:
		out.Body, err = io.ReadAll(res.Body)
	default:
		_, err = io.Copy(io.Discard, res.Body)
	}
	return out, err
}
