package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/transport/auth"
)

// runToken prints one development token on stdout and nothing else, so that
// TOKEN=$(planstore token ...) just works. It signs with --signing-key-file, else with
// the data dir's key, and never makes a key up: a token from a key no server holds is
// refused everywhere, so a missing key is an error that says how to make one (--init).
// Like the roles, it reads PLANSTORE_SIGNING_KEY_FILE and PLANSTORE_DATA_DIR.
func runToken(args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("token", stderr)
	dataDir := fset.String("data-dir", "./data", "data dir of the server that will verify the token (its key is auth/dev-signing-key.pem)")
	keyFile := fset.String("signing-key-file", "", "the dev signing key the roles are given (instead of the data dir's)")
	scope := fset.String("scope", auth.ScopeRead+" "+auth.ScopeWrite, "space-separated scopes: plans:read plans:write plans:admin plans:operator")
	org := fset.String("org", "", "comma-separated organisations of the caller (the org claim); none: the server's --default-org")
	sub := fset.String("sub", "dev", "subject (the actor recorded in events)")
	ttl := fset.Duration("ttl", time.Hour, "lifetime of the token")
	initKey := fset.Bool("init", false, "create the signing key first if it does not exist yet")
	setUsage(fset, "token", "prints a dev token (for --auth dev) signed by the key the servers verify with")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	if *ttl <= 0 {
		return errors.New("--ttl must be positive")
	}
	path := *keyFile
	if path == "" {
		path = auth.DevKeyPath(*dataDir)
	}
	if *initKey {
		if err := auth.CreateDevKeyFile(path); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	token, err := auth.MintDevTokenWithKeyFile(path, *sub, strings.Fields(*scope), *ttl, *org)
	if errors.Is(err, auth.ErrNoSigningKey) {
		return fmt.Errorf("%w\n  the servers verify with the key they were given: pass the same --signing-key-file (or --data-dir);\n"+
			"  to start a new deployment, create it with: planstore keygen %s  (or planstore token --init)", err, path)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, token)
	return err
}

// runKeygen writes a new dev signing key, to give every role as --signing-key-file.
func runKeygen(args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("keygen", stderr)
	fset.Usage = func() {
		fmt.Fprintf(fset.Output(), "usage: planstore keygen FILE\n\n"+
			"writes a new ES256 dev signing key (PEM, mode 0600) to FILE; give the same file to every\n"+
			"role that verifies tokens (--signing-key-file) and to planstore token. It never replaces a key.\n")
	}
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		fset.Usage()
		return fmt.Errorf("%w: want one FILE", errUsage)
	}
	path := fset.Arg(0)
	if err := auth.CreateDevKeyFile(path); err != nil {
		return err
	}
	kid, err := auth.DevKeyID(path)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s (key id %s)\n", path, kid)
	return err
}

// runVersion prints the build: module version, commit and Go version.
func runVersion(stdout io.Writer) error {
	_, err := fmt.Fprintln(stdout, "planstore", app.Version())
	return err
}
