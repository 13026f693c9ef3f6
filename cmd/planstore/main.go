// Command planstore runs the planstore roles, rebuilds read models and mints development
// tokens. `planstore serve` with no flags runs the whole system in one process on
// embedded backends.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: planstore <command> [flags]

commands:
  serve        all roles in one process: command API, query API, relay, projector
  command-api  the write API only
  query-api    the read and search API only
  relay        moves committed events from the event store's outbox to RabbitMQ
  projector    builds the search read model from events
  worker       processes bulk import chunks from RabbitMQ (start more to scale)
  import       imports an NDJSON file of plans through a running server, with progress
               (exit 3 when some lines failed)
  replay       rebuilds the search read model from the event log
  token        mints a development bearer token (for --auth dev)
  keygen       writes a dev signing key to share between roles (--signing-key-file)
  healthcheck  exits 0 when a running role is ready (for container health checks)
  replicate    keeps PostgreSQL tables of plans and events in step with the event feed
  check        verifies the embedded store files of a data dir offline (exit 1 when damaged)
  version      prints the build (also --version)

Run 'planstore <command> -h' for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	name, rest := args[0], args[1:]
	var err error
	switch name {
	case "serve", "command-api", "query-api", "relay", "projector", "worker":
		err = runRole(ctx, name, rest, stderr)
	case "replay":
		err = runReplay(ctx, rest, stdout, stderr)
	case "import":
		err = runImport(ctx, rest, stdout, stderr)
	case "replicate":
		err = runReplicate(ctx, rest, stdout, stderr)
	case "token":
		err = runToken(rest, stdout, stderr)
	case "keygen":
		err = runKeygen(rest, stdout, stderr)
	case "version", "--version", "-version":
		err = runVersion(stdout)
	case "healthcheck":
		err = runHealthcheck(ctx, rest, stderr)
	case "check":
		err = runCheck(rest, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "planstore: unknown command %q\n\n%s", name, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errFlags):
		return 2 // the flag package has printed the problem and the flags
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "planstore %s: %v\n", name, err)
		return 2
	case errors.Is(err, errLinesFailed):
		fmt.Fprintf(stderr, "planstore %s: %v\n", name, err)
		return 3
	default:
		fmt.Fprintf(stderr, "planstore %s: %v\n", name, err)
		return 1
	}
}

// Errors that end with exit code 2: errFlags when the flag package has already
// explained the problem on stderr, errUsage for invalid combinations it cannot see.
var (
	errFlags = errors.New("invalid flags")
	errUsage = errors.New("usage")
)

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("planstore "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
