package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/planstore/planstore/cmd/planstore/app"
)

// roleSummaries head each role's -h, above the flags that role accepts.
var roleSummaries = map[string]string{
	"serve":       "runs every role in one process: command API, query API, relay and projector (embedded backends unless URLs are given)",
	"command-api": "serves writes (POST, PUT, PATCH, DELETE /v1/plans), plan reads, history and audit; needs --redis-url",
	"query-api":   "serves search, plan reads, history, audit and the replay admin routes; needs --redis-url and --es-url (or --amqp-url to project into its embedded engine)",
	"relay":       "moves committed events from the Redis outbox to RabbitMQ; needs --redis-url and --amqp-url; several may run (one leads)",
	"worker":      "processes bulk import chunks (POST /v1/imports, planstore import) from RabbitMQ through the command handlers; needs --redis-url and --amqp-url; start more to scale",
	"projector":   "builds the search read model from RabbitMQ; needs --redis-url, --amqp-url and --es-url",
}

// runRole starts one role and blocks until ctx ends (SIGINT/SIGTERM), then shuts down
// gracefully.
func runRole(ctx context.Context, name string, args []string, stderr io.Writer) error {
	fs := newFlagSet(name, stderr)
	cfg := app.RegisterFlags(fs, app.Role(name))
	setUsage(fs, name, roleSummaries[name])
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	m, err := app.New(*cfg, app.Role(name), stderr)
	if err != nil {
		return err
	}
	if err := m.Run(ctx); err != nil {
		_ = m.Close()
		return err
	}
	select {
	case <-ctx.Done():
		return m.Close()
	case err := <-m.Failed():
		return errors.Join(err, m.Close())
	}
}

// setUsage makes -h print what the command does, then its flags and their environment
// variables.
func setUsage(fs *flag.FlagSet, name, summary string) {
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "usage: planstore %s [flags]\n\n%s\n\nflags (each also read from PLANSTORE_<NAME>, e.g. %s):\n",
			name, summary, app.EnvName("log-level"))
		fs.PrintDefaults()
	}
}

// parseFlags parses a command's flags with the environment fallback; -h is not an error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := app.ParseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errFlags, err)
	}
	return nil
}
