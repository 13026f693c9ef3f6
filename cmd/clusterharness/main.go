// Command clusterharness is planstore's fault harness (`make test-cluster`): it starts a
// Redis Cluster, a RabbitMQ cluster and an Elasticsearch cluster on loopback through the
// scripts of deployments/, runs planstore as separate role processes (two of each),
// puts a steady load of creates, patches, deletes, reads and searches on them, breaks
// one node of each cluster after the other and brings it back, and then checks that
// every acknowledged write is readable and searchable in its last state and nothing
// unacknowledged is half there. It prints what it counted and exits 1 on any violation.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseOptions(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "clusterharness:", err)
		return 2
	}
	logs, err := openLogDir(filepath.Join(o.workDir, "logs"))
	if err != nil {
		fmt.Fprintln(stderr, "clusterharness:", err)
		return 2
	}
	defer logs.close()
	logs.logf("clusterharness: work dir %s, logs in %s", o.workDir, logs.path)

	// SIGINT and SIGTERM end the run early; teardown still happens.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h := &harness{o: o, logs: logs}
	rep, err := h.run(ctx)
	rep.print(stdout)
	fmt.Fprintf(stdout, "\nlogs: %s\n", logs.path)
	switch {
	case err != nil:
		fmt.Fprintf(stdout, "RESULT: ERROR: %v\n", err)
		return 1
	case len(rep.violations()) > 0:
		fmt.Fprintf(stdout, "RESULT: FAIL (%d violations)\n", len(rep.violations()))
		return 1
	default:
		fmt.Fprintln(stdout, "RESULT: PASS")
		return 0
	}
}
