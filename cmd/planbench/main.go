// Command planbench drives a running planstore over HTTP the way real clients do and
// reports throughput, latency percentiles, errors and projection lag.
//
//	planbench [run] [flags]   load scenarios (create-only, mixed, read, search, lag)
//	planbench baseline [flags] plan reads of planstore against a bare net/http handler
//	planbench populate [flags] make a data set of --plans plans through the bulk import API
//
// See docs/performance.md.
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

const usage = `usage: planbench [run] [flags]      drive a planstore with a load scenario
       planbench baseline [flags]   compare planstore's plan reads with a bare net/http handler
       planbench populate [flags]   make a data set: --plans plans through the bulk import API

Run 'planbench run -h', 'planbench baseline -h' or 'planbench populate -h' for the flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process, so tests can call it: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	command := "run"
	if len(args) > 0 && args[0] == bareServeCommand {
		if err := runBareServe(ctx, args[1:], stdout, stderr); err != nil && !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "planbench %s: %v\n", bareServeCommand, err)
			return 1
		}
		return 0
	}
	if len(args) > 0 && args[0] == populateCommand {
		return runPopulateCommand(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && (args[0] == "run" || args[0] == "baseline") {
		command, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(stdout, usage)
		return 0
	}
	opts, err := parseOptions(command, args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "planbench %s: %v\n", command, err)
		return 2
	}
	if command == "baseline" {
		err = runBaseline(ctx, opts, stdout, stderr)
	} else {
		err = runLoad(ctx, opts, stdout, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "planbench %s: %v\n", command, err)
		return 1
	}
	return 0
}

func runPopulateCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parsePopulateOptions(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "planbench %s: %v\n", populateCommand, err)
		return 2
	}
	if err := runPopulate(ctx, opts, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "planbench %s: %v\n", populateCommand, err)
		return 1
	}
	return 0
}
