// Package client is planbench's HTTP client for planstore: one tuned connection pool,
// the bearer token on every request, and responses reduced to what a load test needs.
package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Options configure a Client.
type Options struct {
	BaseURL string        // e.g. http://127.0.0.1:8080
	Token   string        // bearer token; empty sends no Authorization header
	Conns   int           // connections kept alive: the number of concurrent callers
	Timeout time.Duration // per request, including reading the body
	// StandardTransport sends plain http:// through net/http's Transport too, instead of
	// the lighter wire (see wire): to check that the generator does not skew a result.
	StandardTransport bool
}

// Client sends requests to one planstore. It is safe for concurrent use.
type Client struct {
	base string
	auth string
	http *http.Client
	wire *wire // plain http://, unless Options.StandardTransport
}

// New checks the options and builds the client.
func New(o Options) (*Client, error) {
	u, err := url.Parse(o.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("--url %q: %w", o.BaseURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--url %q: want http://host:port", o.BaseURL)
	}
	if o.Conns < 1 {
		return nil, errors.New("the client needs at least one connection")
	}
	c := &Client{
		base: strings.TrimRight(o.BaseURL, "/"),
		http: &http.Client{Transport: NewTransport(o.Conns), Timeout: o.Timeout},
	}
	if u.Scheme == "http" && !o.StandardTransport {
		c.wire = newWire(u.Host, o.Conns, o.Timeout)
	}
	if o.Token != "" {
		c.auth = "Bearer " + o.Token
	}
	return c, nil
}

// BaseURL is the server's base URL, without a trailing slash.
func (c *Client) BaseURL() string { return c.base }

// Close releases idle connections.
func (c *Client) Close() {
	c.http.CloseIdleConnections()
	if c.wire != nil {
		c.wire.closeIdle()
	}
}

// Request is one call.
type Request struct {
	Method      string
	Path        string // below the base URL, e.g. /v1/plans
	Body        []byte
	ContentType string
	IfMatch     string
	IfNoneMatch string
	KeepBody    bool // read a successful body into Response.Body; otherwise it is discarded
}

// Response is what a load test needs of an answer. Body holds the body when KeepBody
// was set, and the start of the body of every error status (its problem detail).
type Response struct {
	Status   int
	ETag     string
	Location string
	Body     []byte
}

// errorBodyLimit keeps enough of an error body for its problem+json detail.
const errorBodyLimit = 2 << 10

// Do sends req. An error means no HTTP answer arrived; any status is a Response.
func (c *Client) Do(ctx context.Context, req Request) (Response, error) {
	if c.wire != nil {
		return c.wire.do(ctx, c.auth, req)
	}
	var body io.Reader = http.NoBody
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, c.base+req.Path, body)
	if err != nil {
		return Response{}, fmt.Errorf("build %s %s: %w", req.Method, req.Path, err)
	}
	if c.auth != "" {
		hr.Header.Set("Authorization", c.auth)
	}
	if req.ContentType != "" {
		hr.Header.Set("Content-Type", req.ContentType)
	}
	if req.IfMatch != "" {
		hr.Header.Set("If-Match", req.IfMatch)
	}
	if req.IfNoneMatch != "" {
		hr.Header.Set("If-None-Match", req.IfNoneMatch)
	}
	res, err := c.http.Do(hr)
	if err != nil {
		return Response{}, err
	}
	defer res.Body.Close()
	out, err := readAnswer(res, req.KeepBody)
	if err != nil {
		return Response{}, fmt.Errorf("read %s %s response: %w", req.Method, req.Path, err)
	}
	return out, nil
}
