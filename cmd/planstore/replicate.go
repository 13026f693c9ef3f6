package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/planstore/planstore/replication"
)

// runReplicate keeps a PostgreSQL database in step with a running planstore's event
// feed (package replication): `planstore replicate --postgres-url ... --source-url
// http://planstore:8080 --token-file ...`. Each flag can come from the environment
// (PLANSTORE_POSTGRES_URL, PLANSTORE_SOURCE_URL, PLANSTORE_TOKEN, PLANSTORE_TOKEN_FILE).
func runReplicate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("replicate", stderr)
	pgURL := fs.String("postgres-url", os.Getenv("PLANSTORE_POSTGRES_URL"), "PostgreSQL URL, e.g. postgres://user:pass@host:5432/db (PLANSTORE_POSTGRES_URL)")
	source := fs.String("source-url", envOr("PLANSTORE_SOURCE_URL", "http://127.0.0.1:8080"), "base URL of a planstore query API whose GET /v1/events is copied (PLANSTORE_SOURCE_URL)")
	token := fs.String("token", os.Getenv("PLANSTORE_TOKEN"), "bearer token with plans:read (PLANSTORE_TOKEN; prefer --token-file)")
	tokenFile := fs.String("token-file", os.Getenv("PLANSTORE_TOKEN_FILE"), "file holding the bearer token, re-read on every start (PLANSTORE_TOKEN_FILE)")
	name := fs.String("name", "default", "this replicator's name: its position in the feed is stored under it")
	once := fs.Bool("once", false, "stop once caught up instead of following the feed")
	batch := fs.Int("batch", 500, "events per page and per PostgreSQL transaction (1-1000)")
	poll := fs.Duration("poll", time.Second, "wait between reads once caught up")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errFlags, err)
	}
	if *pgURL == "" {
		return fmt.Errorf("%w: --postgres-url (or PLANSTORE_POSTGRES_URL) is required", errUsage)
	}
	if *batch < 1 || *batch > 1000 {
		return fmt.Errorf("%w: --batch %d: want 1 to 1000", errUsage, *batch)
	}
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			return fmt.Errorf("--token-file: %w", err)
		}
		*token = strings.TrimSpace(string(b))
	}
	if *token == "" {
		return fmt.Errorf("%w: a token is required (--token-file, --token or PLANSTORE_TOKEN; mint one with planstore token --scope plans:read)", errUsage)
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	pool, err := pgxpool.New(ctx, *pgURL)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer pool.Close()
	if err := pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres does not answer: %w", err)
	}
	r := &replication.Replicator{
		DB: pool, Source: &replication.HTTPSource{Base: *source, Token: *token}, Name: *name,
		Batch: *batch, Poll: *poll, Logger: log,
	}
	if err := r.Migrate(ctx); err != nil {
		return err
	}
	pos, err := r.Position(ctx)
	if err != nil {
		return err
	}
	log.Info("replicating", slog.String("source", *source), slog.String("name", *name), slog.String("from", pos))
	start := time.Now()
	stats, err := r.Run(ctx, *once)
	fmt.Fprintf(stdout, "replicated %d events in %d transactions in %s\n", stats.Events, stats.Pages, time.Since(start).Round(time.Millisecond))
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
