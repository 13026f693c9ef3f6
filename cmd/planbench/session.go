package main

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/planstore/planstore/cmd/planbench/internal/client"
	"github.com/planstore/planstore/cmd/planbench/internal/load"
	"github.com/planstore/planstore/cmd/planbench/internal/plangen"
	"github.com/planstore/planstore/cmd/planbench/internal/progress"
)

// session holds what every command needs: the client of the server under test, the
// plan generator of this run and the progress display.
type session struct {
	opts   *options
	client *client.Client
	// preloader creates the plans before a run: the client itself, or one of
	// --preload-url when reads and searches go to a query-api that takes no writes.
	preloader *client.Client
	gen       *plangen.Generator
	// baseline is how many plans of the run's organisation were searchable before it.
	baseline int64
	live     *progress.Counters
	display  *progress.Display
}

// extraConns leaves connections for the lag prober and the searchability checks beside
// the workers' own.
const extraConns = 2

func newSession(ctx context.Context, opts *options, stderr io.Writer) (*session, error) {
	mode, err := progress.Resolve(opts.progress, stderr)
	if err != nil {
		return nil, err
	}
	c, err := newClient(opts, opts.url)
	if err != nil {
		return nil, err
	}
	gen, err := plangen.New(plangen.NewRunID())
	if err != nil {
		return nil, err
	}
	if err := preflight(ctx, c, gen.RunID()); err != nil {
		return nil, err
	}
	// A token names the organisations it may write in (tenancy); the run writes in the
	// first, or in --org.
	if org := runOrg(opts); org != "" {
		gen.InOrg(org)
	}
	baseline, err := load.CountSearchable(ctx, c, gen.Org())
	if err != nil {
		return nil, fmt.Errorf("count the plans of %s before the run: %w", gen.Org(), err)
	}
	preloader := c
	if opts.preloadURL != "" {
		if preloader, err = newClient(opts, opts.preloadURL); err != nil {
			return nil, err
		}
	}
	live := &progress.Counters{}
	return &session{opts: opts, client: c, preloader: preloader, gen: gen, baseline: baseline, live: live, display: progress.Start(stderr, mode, live)}, nil
}

func newClient(opts *options, url string) (*client.Client, error) {
	return client.New(client.Options{
		BaseURL: url, Token: opts.token, Conns: opts.clients + extraConns, Timeout: opts.timeout,
		StandardTransport: opts.httpClient == httpClientStandard,
	})
}

// close stops the display (so the report is not interleaved with it) and the client.
func (s *session) close() {
	s.display.Stop()
	s.client.Close()
	if s.preloader != s.client {
		s.preloader.Close()
	}
}

// preflight fails fast, with a message that says what to fix, when the server is not
// there or refuses the token, instead of running a whole test of errors.
func preflight(ctx context.Context, c *client.Client, runID string) error {
	res, err := c.Do(ctx, client.Request{Method: http.MethodGet, Path: "/v1/plans/" + runID + "-preflight"})
	if err != nil {
		return fmt.Errorf("cannot reach planstore at %s: %w", c.BaseURL(), err)
	}
	switch res.Status {
	case http.StatusUnauthorized:
		return fmt.Errorf("planstore refused the token (401): pass --token, --token-file or set %s "+
			"(planstore token --data-dir DIR --scope \"plans:read plans:write\"): %s", tokenEnv, res.Body)
	case http.StatusForbidden:
		return fmt.Errorf("the token lacks a scope (403); planbench needs plans:read and plans:write: %s", res.Body)
	case http.StatusNotFound, http.StatusOK:
		return nil
	default:
		return fmt.Errorf("unexpected answer %d from GET /v1/plans/{id}: %s", res.Status, res.Body)
	}
}
