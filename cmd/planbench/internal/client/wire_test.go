package client

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// transports are the two ways Do sends to an http:// URL; each test below holds both to
// the same answers.
var transports = map[string]bool{"wire": false, "net/http": true}

func newTestClient(t *testing.T, url string, standard bool, timeout time.Duration) *Client {
	t.Helper()
	c, err := New(Options{BaseURL: url, Token: "tok", Conns: 2, Timeout: timeout, StandardTransport: standard})
	if err != nil {
		t.Fatal(err)
	}
	if (c.wire == nil) != standard {
		t.Fatalf("standard transport %v, but wire %v", standard, c.wire)
	}
	t.Cleanup(c.Close)
	return c
}

func TestBothTransportsReadEveryBodyShapeAndReuseTheConnection(t *testing.T) {
	large := bytes.Repeat([]byte("x"), 100<<10) // net/http sends it chunked: no length set
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Location", "/v1/plans/"+string(body))
		switch r.URL.Path {
		case "/chunked":
			_, _ = w.Write(large)
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("ETag", `"1"`)
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(r.Method + " " + r.URL.RequestURI()))
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	for name, standard := range transports {
		t.Run(name, func(t *testing.T) {
			conns.Store(0)
			c := newTestClient(t, srv.URL, standard, 5*time.Second)
			ctx := context.Background()
			for range 3 {
				res, err := c.Do(ctx, Request{Method: http.MethodPost, Path: "/v1/plans", Body: []byte("p1"), KeepBody: true})
				if err != nil || res.Status != http.StatusCreated || res.ETag != `"1"` || res.Location != "/v1/plans/p1" ||
					string(res.Body) != "POST /v1/plans" {
					t.Fatalf("post: %+v %q, %v", res, res.Body, err)
				}
				res, err = c.Do(ctx, Request{Method: http.MethodGet, Path: "/chunked", KeepBody: true})
				if err != nil || res.Status != http.StatusOK || !bytes.Equal(res.Body, large) {
					t.Fatalf("chunked: status %d, %d bytes, %v", res.Status, len(res.Body), err)
				}
				res, err = c.Do(ctx, Request{Method: http.MethodDelete, Path: "/empty"})
				if err != nil || res.Status != http.StatusNoContent {
					t.Fatalf("empty: %+v, %v", res, err)
				}
				res, err = c.Do(ctx, Request{Method: http.MethodGet, Path: "/a path?q=1"})
				if err != nil || res.Status != http.StatusCreated {
					t.Fatalf("escaped path: %+v, %v", res, err)
				}
			}
			if n := conns.Load(); n != 1 {
				t.Errorf("%d connections for 12 requests one after another, want 1", n)
			}
		})
	}
}

func TestWireSendsTheSameRequestAsNetHTTP(t *testing.T) {
	seen := make(chan *http.Request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		seen <- r
	}))
	defer srv.Close()
	req := Request{Method: http.MethodPut, Path: "/v1/plans/a%2Fb?x=1", Body: []byte("{}"),
		ContentType: "application/json", IfMatch: `"3"`, IfNoneMatch: "*"}
	got := map[string]string{}
	for name, standard := range transports {
		c := newTestClient(t, srv.URL, standard, 5*time.Second)
		if _, err := c.Do(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		r := <-seen
		body, _ := io.ReadAll(r.Body)
		got[name] = strings.Join([]string{r.Method, r.RequestURI, r.Host, r.Header.Get("Authorization"),
			r.Header.Get("Content-Type"), r.Header.Get("If-Match"), r.Header.Get("If-None-Match"),
			r.Header.Get("Content-Length"), string(body)}, " | ")
	}
	if got["wire"] != got["net/http"] {
		t.Errorf("the server saw\nwire:     %s\nnet/http: %s", got["wire"], got["net/http"])
	}
}

func TestWireClosesAConnectionTheServerClosesAndRefusesLineBreaksInHeaders(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Connection", "close")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := newTestClient(t, srv.URL, false, 5*time.Second)
	for range 2 {
		if res, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/"}); err != nil || res.Status != http.StatusOK {
			t.Fatalf("%+v, %v", res, err)
		}
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want a new one after the server said close", n)
	}
	if _, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/", IfMatch: "\"1\"\r\nX-Evil: 1"}); err == nil ||
		!strings.Contains(err.Error(), "a header value holds a line break") {
		t.Errorf("a header value with a line break: %v, want it refused", err)
	}
	if _, err := c.Do(context.Background(), Request{Method: "GET / HTTP/1.1\r\nX:", Path: "/"}); err == nil ||
		!strings.Contains(err.Error(), "invalid method") {
		t.Errorf("a method with spaces: %v, want it refused", err)
	}
}

func TestWireEndsARequestWhenItsContextEndsOrItTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	c := newTestClient(t, srv.URL, false, 200*time.Millisecond)
	if _, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/"}); err == nil {
		t.Error("a request the server never answered did not time out")
	}

	c = newTestClient(t, srv.URL, false, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := c.Do(ctx, Request{Method: http.MethodGet, Path: "/"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled request: %v, want context.Canceled", err)
	}
	if len(c.wire.idle) != 0 {
		t.Error("a connection cut short went back to the pool")
	}
}
