package esengine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/query"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// request is an incoming REST call, decoded once for the handlers.
type request struct {
	ctx    context.Context // the caller's: done when the client went away
	method string
	path   string   // as sent, for Elasticsearch's error messages
	segs   []string // unescaped path segments
	vars   map[string]string
	params paramReader
	body   []byte
}

// paramReader reads query-string parameters.
type paramReader url.Values

func (q paramReader) get(key string) string {
	return url.Values(q).Get(key)
}

func (q paramReader) lookup(key string) (string, bool) {
	v, ok := q[key]
	if !ok || len(v) == 0 {
		return "", ok
	}
	return v[len(v)-1], true
}

// reply is a handler's successful answer; a nil body means no body (HEAD).
type reply struct {
	status int
	body   any
}

func ok(body any) reply { return reply{status: http.StatusOK, body: body} }

// RoundTrip answers one Elasticsearch REST request in process. It only returns an error
// when the request's context is already done; every other failure is an Elasticsearch
// error response, as a cluster would send.
func (e *Engine) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer func() { _ = req.Body.Close() }() // RoundTrippers must close the body, even on error
	}
	if err := req.Context().Err(); err != nil {
		return nil, fmt.Errorf("esengine: %w", err)
	}
	status, body := e.serve(req)
	if err := req.Context().Err(); err != nil && status == query.ErrStopCancelled.Status {
		// The client went away and the search stopped: there is nobody to answer.
		return nil, fmt.Errorf("esengine: %w", err)
	}
	return e.httpResponse(req, status, body), nil
}

func (e *Engine) serve(req *http.Request) (status int, body []byte) {
	r, err := e.decodeRequest(req)
	if err != nil {
		return e.renderError(req, err)
	}
	rt, vars, err := findRoute(r)
	if err != nil {
		return e.renderError(req, err)
	}
	r.vars = vars
	if mayWrite(r.method, rt) {
		e.writes.Add(1)
	}
	if err := checkParams(r, rt); err != nil {
		return e.renderError(req, err)
	}
	out, err := e.call(rt.methods[r.method], r)
	if err != nil {
		return e.renderError(req, err)
	}
	if out.body == nil || req.Method == http.MethodHead {
		return out.status, nil
	}
	data, merr := marshalBody(out.body, r.params)
	if merr != nil {
		return e.renderError(req, merr)
	}
	return out.status, data
}

// mayWrite reports whether a request may change the engine: any but a read. Counting a
// request that changes nothing costs a save; missing one would keep a stale state.
func mayWrite(method string, rt route) bool {
	if method == http.MethodGet || method == http.MethodHead {
		return false
	}
	switch rt.pattern[len(rt.pattern)-1] {
	case "_search", "_count":
		return false
	}
	return true
}

// call runs a handler and turns a panic into a 500, so a bug answers one request with an
// error instead of taking down the process that embeds the engine.
func (e *Engine) call(h handler, r *request) (out reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("esengine: panic while serving %s %s: %v", r.method, r.path, p)
		}
	}()
	return h(e, r)
}

func (e *Engine) decodeRequest(req *http.Request) (*request, error) {
	r := &request{ctx: req.Context(), method: req.Method, path: req.URL.EscapedPath(), params: paramReader(req.URL.Query())}
	if r.path == "" {
		r.path = "/"
	}
	for _, s := range strings.Split(strings.Trim(r.path, "/"), "/") {
		if s == "" {
			continue
		}
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, wire.ErrIllegalArgument("invalid escape in path [%s]", r.path)
		}
		r.segs = append(r.segs, u)
	}
	if req.Body != nil {
		data, err := readBody(req, e.opts.maxContentLength)
		if err != nil {
			return nil, fmt.Errorf("esengine: reading the request body: %w", err)
		}
		if int64(len(data)) > e.opts.maxContentLength {
			return nil, wire.NewError(http.StatusRequestEntityTooLarge, "content_too_long_exception", "request body is too large")
		}
		r.body = data
	}
	return r, nil
}

func findRoute(r *request) (route, map[string]string, error) {
	for _, rt := range routes {
		vars, matched := rt.match(r.segs)
		if !matched {
			continue
		}
		if _, allowed := rt.methods[r.method]; !allowed {
			methods := make([]string, 0, len(rt.methods))
			for m := range rt.methods {
				methods = append(methods, m)
			}
			slices.Sort(methods)
			return route{}, nil, wire.ErrMethodNotAllowed(r.path, r.method, strings.Join(methods, ", "))
		}
		return rt, vars, nil
	}
	return route{}, nil, wire.ErrNoHandler(r.path, r.method)
}

func checkParams(r *request, rt route) error {
	for name := range r.params {
		if !slices.Contains(rt.params, name) && !slices.Contains(commonParams, name) {
			return wire.ErrUnrecognizedParam(r.path, name)
		}
	}
	return nil
}

// readBody reads at most limit+1 bytes of the body. When the client announced the
// length (go-elasticsearch always does), the buffer is made that size at once instead
// of growing by doubling, which for a large _bulk body was several copies of it.
func readBody(req *http.Request, limit int64) ([]byte, error) {
	limited := io.LimitReader(req.Body, limit+1)
	if req.ContentLength <= 0 || req.ContentLength > limit {
		return io.ReadAll(limited)
	}
	buf := make([]byte, req.ContentLength+1)
	n, err := io.ReadFull(limited, buf)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return buf[:n], nil // the body was at most as long as announced
	case err != nil:
		return nil, err
	}
	// Longer than announced: read the rest the plain way (the limit still applies).
	rest, err := io.ReadAll(limited)
	return append(buf, rest...), err
}
