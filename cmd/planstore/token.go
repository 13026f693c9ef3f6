package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/auth"
)

// runToken prints one development token on stdout and nothing else, so that
// TOKEN=$(planstore token ...) just works. Like the roles, it reads PLANSTORE_DATA_DIR.
func runToken(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("token", stderr)
	dataDir := fs.String("data-dir", "./data", "data dir of the server that will verify the token")
	scope := fs.String("scope", auth.ScopeRead+" "+auth.ScopeWrite, "space-separated scopes: plans:read plans:write plans:admin")
	sub := fs.String("sub", "dev", "subject (the actor recorded in events)")
	ttl := fs.Duration("ttl", time.Hour, "lifetime of the token")
	if err := app.ParseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errFlags, err)
	}
	if *ttl <= 0 {
		return errors.New("--ttl must be positive")
	}
	token, err := auth.MintDevToken(*dataDir, *sub, strings.Fields(*scope), *ttl)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, token)
	return err
}
