package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/testenv"
)

// Issue 22: what a careless or hostile client sends, and the clear answer it gets.

// edgeServer is the full server behind a real http.Server with a short read timeout,
// logging JSON into a buffer; create fails with a plain internal error.
func edgeServer(t *testing.T) (*httptest.Server, *testenv.LogBuffer) {
	t.Helper()
	logs := &testenv.LogBuffer{}
	plans, err := queries.NewPlans(failingStore{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{
		Logger:   slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Verifier: scopeVerifier{},
		Commands: &Commands{Create: brokenCreate{}, Replace: failingReplace{}, Patch: failingPatch{}, Delete: failingDelete{}},
		Plans:    plans,
		Search:   failingSearcher{},
		Health:   readyHealth{},
		Registry: prometheus.NewRegistry(),
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(s)
	ts.Config.ReadTimeout = 500 * time.Millisecond
	ts.Start()
	t.Cleanup(ts.Close)
	return ts, logs
}

type brokenCreate struct{}

func (brokenCreate) Handle(context.Context, commands.CreatePlan) (commands.Result, error) {
	return commands.Result{}, errors.New("disk on fire")
}

var writeToken = "Bearer " + tokenFor(auth.ScopeWrite, auth.ScopeRead)

// rawResponse is what rawExchange saw: the status, the headers and the first bytes.
type rawResponse struct {
	StatusCode int
	Header     http.Header
}

// rawPlanPost is a raw, authorised POST of a JSON plan, its head ending with rest (more
// headers, the blank line and what is sent of the body).
func rawPlanPost(rest string) string {
	return "POST /v1/plans HTTP/1.1\r\nHost: x\r\nAuthorization: " + writeToken + "\r\nContent-Type: application/json\r\n" + rest
}

// postExamplePlan posts the example plan to ts, authorised, as contentType and with the
// correlation id (none if empty), and returns the status.
func postExamplePlan(t *testing.T, ts *httptest.Server, contentType, correlationID string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/plans", bytes.NewReader(exampleplan.JSON()))
	req.Header.Set("Authorization", writeToken)
	req.Header.Set("Content-Type", contentType)
	if correlationID != "" {
		req.Header.Set("X-Correlation-ID", correlationID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// rawExchange writes request bytes on a fresh connection and returns the first
// response and its first bytes (to see an interim 100 Continue).
func rawExchange(t *testing.T, ts *httptest.Server, head string) (rawResponse, string) {
	t.Helper()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(conn)
	first, err := br.Peek(12)
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	_ = resp.Body.Close()
	return rawResponse{StatusCode: resp.StatusCode, Header: resp.Header}, string(first)
}

// waitForLog waits for a log line containing every part, with a generous deadline.
func waitForLog(t *testing.T, logs *testenv.LogBuffer, parts ...string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, line := range strings.Split(logs.String(), "\n") {
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(line, p)
			}
			if ok {
				return line
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q in:\n%s", parts, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func noErrorLogs(t *testing.T, logs *testenv.LogBuffer) {
	t.Helper()
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("an ERROR was logged for a client's fault:\n%s", logs.String())
	}
}

func TestBodySlowerThanTheReadTimeoutIs408(t *testing.T) {
	ts, logs := edgeServer(t)
	head := rawPlanPost("X-Correlation-ID: slow-body-1\r\nContent-Length: 1000\r\n\r\n{\"objectId\":")
	resp, _ := rawExchange(t, ts, head) // and then nothing more
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("status %d, want 408", resp.StatusCode)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/problem+json" {
		t.Errorf("Content-Type %q", got)
	}
	waitForLog(t, logs, `"level":"INFO"`, `"status":408`, `"correlation_id":"slow-body-1"`)
	noErrorLogs(t, logs)
}

func TestMalformedChunkIs400(t *testing.T) {
	ts, logs := edgeServer(t)
	head := rawPlanPost("X-Correlation-ID: bad-chunk-1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
	resp, _ := rawExchange(t, ts, head)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", resp.StatusCode)
	}
	waitForLog(t, logs, `"level":"INFO"`, `"status":400`, `"correlation_id":"bad-chunk-1"`)
	noErrorLogs(t, logs)
}

func TestClientGoneMidBodyIsLoggedAtInfo(t *testing.T) {
	ts, logs := edgeServer(t)
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	_, _ = conn.Write([]byte(rawPlanPost("X-Correlation-ID: gone-1\r\nContent-Length: 1000\r\n\r\n{\"objectId\":")))
	_ = conn.Close()
	line := waitForLog(t, logs, `"correlation_id":"gone-1"`)
	if !strings.Contains(line, `"level":"INFO"`) || !strings.Contains(line, `"status":400`) {
		t.Errorf("log line %s, want INFO with status 400", line)
	}
	noErrorLogs(t, logs)
}

func TestExpectContinueOverTheLimitIs413WithoutContinue(t *testing.T) {
	ts, _ := edgeServer(t)
	head := rawPlanPost("Expect: 100-continue\r\nContent-Length: 10737418240\r\n\r\n")
	resp, first := rawExchange(t, ts, head)
	if strings.Contains(first, "100") || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("first line %q, status %d; want 413 and no 100 Continue", first, resp.StatusCode)
	}
}

func TestCharsetIsCaseInsensitive(t *testing.T) {
	ts, _ := edgeServer(t)
	for _, ct := range []string{"application/json; charset=Utf-8", "Application/JSON;CHARSET=\"UTF-8\""} {
		// The double behind create fails with 500: the body got past the media type check.
		if postExamplePlan(t, ts, ct, "") == http.StatusUnsupportedMediaType {
			t.Errorf("%s: 415", ct)
		}
	}
	if status := postExamplePlan(t, ts, "application/json; charset=latin1", ""); status != http.StatusUnsupportedMediaType {
		t.Errorf("latin1: %d, want 415", status)
	}
}

func TestEveryResponseCarriesACorrelationID(t *testing.T) {
	ts, logs := edgeServer(t)
	for _, tc := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/no/such/route", http.StatusNotFound, ""},
		{http.MethodGet, "/v1/nothing", http.StatusNotFound, ""},
		{http.MethodPost, "/v1/plans/x", http.StatusMethodNotAllowed, "GET, HEAD, PUT, PATCH, DELETE"},
		{http.MethodDelete, "/v1/plans", http.StatusMethodNotAllowed, "POST"},
		{http.MethodPut, "/v1/search", http.StatusMethodNotAllowed, "GET, POST"},
		{http.MethodPost, "/healthz", http.StatusMethodNotAllowed, "GET, HEAD"},
	} {
		id := fmt.Sprintf("edge-%s-%d", tc.method, tc.status)
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		req.Header.Set("X-Correlation-ID", id)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
		if got := resp.Header.Get(CorrelationHeader); got != id {
			t.Errorf("%s %s: X-Correlation-ID %q, want %q", tc.method, tc.path, got, id)
		}
		if got := resp.Header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
		waitForLog(t, logs, `"correlation_id":"`+id+`"`, fmt.Sprintf(`"status":%d`, tc.status))
	}
	// A request without an id gets one made up, on the 404 too.
	resp, err := http.Get(ts.URL + "/nowhere")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.Header.Get(CorrelationHeader) == "" {
		t.Error("404 without X-Correlation-ID")
	}
}

func TestInternalErrorLogLineHasTheCorrelationID(t *testing.T) {
	ts, logs := edgeServer(t)
	if status := postExamplePlan(t, ts, "application/json", "boom-1"); status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500 from the broken double", status)
	}
	waitForLog(t, logs, `"level":"ERROR"`, `"request failed"`, `"correlation_id":"boom-1"`)
}
