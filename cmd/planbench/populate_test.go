package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// populateAgainst runs planbench populate of 3 plans against handler and returns its exit
// code and stderr.
func populateAgainst(t *testing.T, handler http.HandlerFunc) (int, string) {
	t.Helper()
	srv := httptest.NewServer(handler)
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{populateCommand, "--plans", "3", "--poll", "1ms", "--url", srv.URL, "--token", "t"}, &stdout, &stderr)
	return code, stderr.String()
}

func TestPopulateReportsARefusedUpload(t *testing.T) {
	code, stderr := populateAgainst(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"title":"missing scope plans:write"}`)
	})
	if code != 1 || !strings.Contains(stderr, "POST /v1/imports: 403") || !strings.Contains(stderr, "missing scope plans:write") {
		t.Fatalf("exit %d, stderr %q; want exit 1 naming the 403 and its problem", code, stderr)
	}
}

func TestPopulateFailsUnlessEveryPlanWasCreated(t *testing.T) {
	code, stderr := populateAgainst(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Location", "/v1/imports/job-1")
			w.WriteHeader(http.StatusAccepted)
			_, _ = io.WriteString(w, `{"id":"job-1","state":"processing"}`)
			return
		}
		_, _ = io.WriteString(w, `{"id":"job-1","state":"failed","lines":3,"processed":3,"counts":{"created":2,"invalid":1},"error":"line 2: invalid plan"}`)
	})
	if code != 1 || !strings.Contains(stderr, "import job ended failed") || !strings.Contains(stderr, "line 2: invalid plan") {
		t.Fatalf("exit %d, stderr %q; want exit 1 naming the failed job and its error", code, stderr)
	}
}
