package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/signal"
	"testing"

	"github.com/planstore/planstore/cmd/planbench/internal/bare"
)

// TestMain lets the test binary play the baseline child process: startBare re-runs
// os.Executable(), which under `go test` is this binary.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == bareServeCommand {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func TestBareBaselineInEitherMode(t *testing.T) {
	plans := map[string]bare.Entry{"p1": {Body: []byte(`{"objectId":"p1"}`), ETag: `"7"`}}
	for _, mode := range []string{bareInProcess, bareProcess} {
		t.Run(mode, func(t *testing.T) {
			b, err := startBare(mode, plans)
			if err != nil {
				t.Fatal(err)
			}
			if (mode == bareProcess) != (b.pid > 0) {
				t.Errorf("pid %d in mode %s", b.pid, mode)
			}
			res, err := http.Get(b.url + "/v1/plans/p1")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || string(body) != `{"objectId":"p1"}` || res.Header.Get("ETag") != `"7"` {
				t.Errorf("GET: %d %q %q", res.StatusCode, body, res.Header.Get("ETag"))
			}
			if err := b.stop(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
