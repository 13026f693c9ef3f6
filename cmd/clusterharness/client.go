package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// apiClient talks to the planstore roles with one bearer token.
type apiClient struct {
	http  *http.Client
	token string
}

// response is one answer, or the transport error that stood in for it.
type response struct {
	Status     int
	RetryAfter string
	ETag       string
	Body       []byte
	Err        error
}

// requestTimeout bounds every request, so a role that hangs shows up as a failure
// instead of stalling a worker (and the run's schedule) forever. A write may make two
// store calls (read, then append), each bounded by the Redis retry window (5 s) plus a
// replica timeout (1 s), so a role that keeps its bounds answers within 12 s.
const requestTimeout = 15 * time.Second

func newAPIClient(token string) *apiClient {
	return &apiClient{
		token: token,
		http: &http.Client{Timeout: requestTimeout, Transport: &http.Transport{
			MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second,
		}},
	}
}

func (c *apiClient) do(ctx context.Context, method, url string, body []byte, headers ...string) response {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return response{Err: err}
	}
	if strings.Contains(url, "/v1/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		return response{Err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	return response{Status: res.StatusCode, RetryAfter: res.Header.Get("Retry-After"), ETag: res.Header.Get("ETag"), Body: b, Err: err}
}

// version reads the aggregate version out of a strong ETag ("3").
func (r response) version() int {
	v, err := strconv.Atoi(strings.Trim(r.ETag, `"`))
	if err != nil {
		return -1
	}
	return v
}

// detail is a short description of a failed answer for the report.
func (r response) detail() string {
	if r.Err != nil {
		return "transport: " + r.Err.Error()
	}
	b := string(r.Body)
	if len(b) > 200 {
		b = b[:200] + "..."
	}
	return strconv.Itoa(r.Status) + " " + b
}
