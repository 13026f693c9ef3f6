package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/testenv"
)

// startServe starts `planstore serve` on port 0 with embedded backends in dataDir.
func startServe(tb testing.TB, dataDir string, mutate ...func(*app.Config)) *app.Main {
	tb.Helper()
	return startRole(tb, app.RoleServe, dataDir, mutate...)
}

// startRole starts a role on port 0 with dataDir, as configured by mutate, and closes it
// when the test ends.
func startRole(tb testing.TB, role app.Role, dataDir string, mutate ...func(*app.Config)) *app.Main {
	tb.Helper()
	cfg := app.Config{
		Addr: "127.0.0.1:0", DataDir: dataDir, Auth: app.AuthDev, LogLevel: "warn",
		MaxBodyBytes: 1 << 20, ShutdownGrace: 10 * time.Second,
	}
	for _, f := range mutate {
		f(&cfg)
	}
	m, err := app.New(cfg, role, io.Discard)
	if err != nil {
		tb.Fatalf("new %s: %v", role, err)
	}
	if err := m.Run(context.Background()); err != nil {
		_ = m.Close()
		tb.Fatalf("run %s: %v", role, err)
	}
	tb.Cleanup(func() { _ = m.Close() })
	return m
}

// servedClient starts `planstore serve` in a data dir of its own and returns a
// reader-writer client of it, for tests that need nothing else of the server.
func servedClient(t *testing.T, mutate ...func(*app.Config)) *client {
	t.Helper()
	dir := t.TempDir()
	return newClient(t, startServe(t, dir, mutate...), dir)
}

// client is an HTTP client with a bearer token, like a user's curl.
type client struct {
	t     *testing.T
	base  string
	token string
}

func newClient(t *testing.T, m *app.Main, dataDir string, scopes ...string) *client {
	t.Helper()
	if len(scopes) == 0 {
		scopes = []string{auth.ScopeRead, auth.ScopeWrite}
	}
	return &client{t: t, base: m.URL(), token: mintToken(t, dataDir, "tester", scopes)}
}

// mintToken is a dev token of sub, signed with dataDir's key, for an hour.
func mintToken(tb testing.TB, dataDir, sub string, scopes []string, orgs ...string) string {
	tb.Helper()
	tok, err := auth.MintDevToken(dataDir, sub, scopes, time.Hour, orgs...)
	if err != nil {
		tb.Fatalf("mint token: %v", err)
	}
	return tok
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.body)
	}
	return v
}

func (c *client) do(method, path string, body []byte, headers ...string) response {
	c.t.Helper()
	req, err := c.newRequest(context.Background(), method, path, body, headers...)
	if err != nil {
		c.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// doQuiet is do for other goroutines: it reports a transport error as status 0
// instead of failing the test from outside its goroutine.
func (c *client) doQuiet(method, path string, body []byte) int {
	req, err := c.newRequest(context.Background(), method, path, body)
	if err != nil {
		return 0
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// newRequest is a request as c sends it: with its token, a JSON body when there is one,
// and headers as name, value pairs (an empty value removes the header).
func (c *client) newRequest(ctx context.Context, method, path string, body []byte, headers ...string) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	return req, nil
}

// createAndReadBack creates the example plan through writer and at once GETs it through
// reader, which must answer with the create's ETag (read-after-write); it returns that
// ETag.
func createAndReadBack(t *testing.T, writer, reader *client) string {
	t.Helper()
	created := writer.do(http.MethodPost, "/v1/plans", exampleplan.JSON())
	expectStatus(t, created, http.StatusCreated)
	etag := created.header.Get("ETag")
	got := reader.do(http.MethodGet, "/v1/plans/"+planID, nil)
	expectStatus(t, got, http.StatusOK)
	if got.header.Get("ETag") != etag {
		t.Fatalf("GET on %s after the create on %s: ETag %q, want %q", reader.base, writer.base, got.header.Get("ETag"), etag)
	}
	return etag
}

// planWithIDs returns the example plan with every objectId given a unique suffix, so
// tests can create many plans without objectId conflicts.
func planWithIDs(t *testing.T, suffix string) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(exampleplan.JSON(), &doc); err != nil {
		t.Fatal(err)
	}
	testenv.EachObject(doc, func(o map[string]any) {
		if id, ok := o["objectId"].(string); ok {
			o["objectId"] = id + "-" + suffix
		}
	})
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func objectID(t *testing.T, doc []byte) string {
	t.Helper()
	var v struct {
		ObjectID string `json:"objectId"`
	}
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	return v.ObjectID
}

func expectStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
}

func expectProblem(t *testing.T, r response, status int) map[string]any {
	t.Helper()
	expectStatus(t, r, status)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, want application/problem+json", ct)
	}
	p := r.json(t)
	for _, k := range []string{"type", "title", "status"} {
		if _, ok := p[k]; !ok {
			t.Fatalf("problem lacks %q: %s", k, r.body)
		}
	}
	return p
}
