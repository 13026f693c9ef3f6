package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestQueriesAreValidJSONOfTheExpectedShape(t *testing.T) {
	for name, q := range map[string][]byte{
		"has_child":  HasChildCopayQuery(7),
		"has_parent": HasParentQuery(`odd"id`),
		"parent_id":  ParentIDQuery("p1"),
		"ids":        IDsQuery([]string{"a", "b"}),
		"count":      CountPlansQuery("org.example"),
	} {
		var v map[string]any
		if err := json.Unmarshal(q, &v); err != nil {
			t.Errorf("%s: %v: %s", name, err, q)
			continue
		}
		if _, ok := v["query"].(map[string]any)[name]; !ok && name != "count" {
			t.Errorf("%s: query lacks %q: %s", name, name, q)
		}
	}
	if !strings.Contains(string(HasParentQuery(`odd"id`)), `"odd\"id"`) {
		t.Error("ids are not JSON-escaped")
	}
}

func TestDoSendsHeadersAndKeepsErrorBodies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" || r.Header.Get("If-Match") != `"3"` ||
			r.Header.Get("Content-Type") != "application/merge-patch+json" {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("ETag", `"4"`)
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(append([]byte(`{"detail":"got `), append(body, `"}`...)...))
	}))
	defer srv.Close()
	c, err := New(Options{BaseURL: srv.URL + "/", Token: "tok", Conns: 1, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.Do(context.Background(), Request{Method: http.MethodPatch, Path: "/v1/plans/x", Body: []byte("patch"),
		ContentType: "application/merge-patch+json", IfMatch: `"3"`})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != http.StatusBadRequest || res.ETag != `"4"` || string(res.Body) != `{"detail":"got patch"}` {
		t.Fatalf("response %+v body %q", res, res.Body)
	}
}

func TestSearchReportsAMissingRoute(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	c, _ := New(Options{BaseURL: srv.URL, Conns: 1, Timeout: time.Second})
	defer c.Close()
	if err := c.CheckSearch(context.Background()); !errors.Is(err, ErrSearchUnavailable) {
		t.Fatalf("err = %v, want ErrSearchUnavailable", err)
	}
}

func TestNewRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:8080", "ftp://x", "http://"} {
		if _, err := New(Options{BaseURL: u, Conns: 1}); err == nil {
			t.Errorf("New accepted %q", u)
		}
	}
}

func TestCause(t *testing.T) {
	timeout := &net.OpError{Op: "read", Err: &timeoutError{}}
	for err, want := range map[error]string{
		context.Canceled:         CauseCanceled,
		context.DeadlineExceeded: CauseTimeout,
		timeout:                  CauseTimeout,
		&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}: CauseRefused,
		&net.OpError{Op: "read", Err: syscall.ECONNRESET}:   CauseReset,
		io.ErrUnexpectedEOF:   CauseEOF,
		errors.New("strange"): CauseOther,
	} {
		if got := Cause(err); got != want {
			t.Errorf("Cause(%v) = %q, want %q", err, got, want)
		}
	}
}

type timeoutError struct{}

func (*timeoutError) Error() string   { return "i/o timeout" }
func (*timeoutError) Timeout() bool   { return true }
func (*timeoutError) Temporary() bool { return true }
