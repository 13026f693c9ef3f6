package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/planstore/planstore/cmd/planstore/app"
)

// runRole starts one role and blocks until ctx ends (SIGINT/SIGTERM), then shuts down
// gracefully.
func runRole(ctx context.Context, name string, args []string, stderr io.Writer) error {
	fs := newFlagSet(name, stderr)
	cfg := app.RegisterFlags(fs)
	if err := app.ParseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errFlags, err)
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
