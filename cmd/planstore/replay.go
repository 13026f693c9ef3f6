package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/projections/replay"
)

// replayFlags are the flags of `planstore replay` beyond the shared ones.
type replayFlags struct {
	server         string
	token          string
	snapshots      bool
	checkSnapshots bool
	asJSON         bool
}

// runReplay rebuilds the search read model from the event log. With --es-url it works on
// the cluster directly; otherwise it asks the running server (the embedded engine lives
// in that process). --snapshots and --check-snapshots work on the event store instead.
func runReplay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("replay", stderr)
	cfg := app.RegisterFlags(fs, app.RoleReplay)
	var f replayFlags
	fs.StringVar(&f.server, "server", "", "ask the query API (or serve) at this URL to replay (default: http://<--addr>, used when no --es-url is given)")
	fs.StringVar(&f.token, "token", "", "bearer token with plans:admin and plans:operator for --server (default: a dev token signed with --signing-key-file or the data dir's key)")
	fs.BoolVar(&f.snapshots, "snapshots", false, "rebuild every snapshot that differs from its plan's events, instead of the read model")
	fs.BoolVar(&f.checkSnapshots, "check-snapshots", false, "report plans whose snapshot differs from their events; exit 1 if any")
	fs.BoolVar(&f.asJSON, "json", false, "print the final status or report as JSON on stdout")
	setUsage(fs, "replay", "rebuilds the search read model from the event log: directly with --es-url, else by asking the running query API (--server)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.snapshots && f.checkSnapshots {
		return fmt.Errorf("%w: --snapshots and --check-snapshots exclude each other", errUsage)
	}
	if cfg.LogLevel == "info" {
		cfg.LogLevel = "warn" // the progress display is the output; logs only for trouble
	}
	switch {
	case f.snapshots || f.checkSnapshots:
		return runSnapshotCheck(ctx, *cfg, f, stdout, stderr)
	case len(cfg.ESURLs) > 0:
		return runDirectReplay(ctx, *cfg, f, stdout, stderr)
	case f.server == "" && cfg.RedisURL != "":
		return fmt.Errorf("%w: --redis-url without --es-url: give --es-url to replay directly into the cluster, "+
			"or --server with the query API's URL to have it replay", errUsage)
	default:
		return runRemoteReplay(ctx, *cfg, f, stdout, stderr)
	}
}

func runDirectReplay(ctx context.Context, cfg app.Config, f replayFlags, stdout, stderr io.Writer) error {
	return withTools(ctx, cfg, stderr, func(tools *app.Tools) error {
		r, err := tools.Replayer(ctx)
		if err != nil {
			return err
		}
		status, err := r.Run(ctx, replay.NewProgressPrinter(stderr).Update)
		if err != nil {
			return err
		}
		return printReplayResult(stdout, status, f.asJSON)
	})
}

func runSnapshotCheck(ctx context.Context, cfg app.Config, f replayFlags, stdout, stderr io.Writer) error {
	return withTools(ctx, cfg, stderr, func(tools *app.Tools) error {
		store, err := tools.SnapshotStore(ctx)
		if err != nil {
			return fmt.Errorf("%w (the embedded store is locked while a server runs on it: stop it first)", err)
		}
		var report replay.Report
		if f.snapshots {
			report, err = replay.RebuildSnapshots(ctx, store)
		} else {
			report, err = replay.CheckSnapshots(ctx, store)
		}
		if err != nil {
			return err
		}
		if err := printSnapshotReport(stdout, report, f); err != nil {
			return err
		}
		if f.checkSnapshots && report.Mismatches > 0 {
			return fmt.Errorf("%d snapshot(s) differ from their events; fix with planstore replay --snapshots", report.Mismatches)
		}
		return nil
	})
}

// withTools runs use with the backends of a one-off command open, and closes them after.
func withTools(ctx context.Context, cfg app.Config, stderr io.Writer, use func(*app.Tools) error) error {
	tools, err := app.OpenTools(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer tools.Close()
	return use(tools)
}

// printSnapshotReport prints what a snapshot check or rebuild found: JSON, or a summary
// line and each problem.
func printSnapshotReport(w io.Writer, report replay.Report, f replayFlags) error {
	if f.asJSON {
		return json.NewEncoder(w).Encode(report)
	}
	fmt.Fprintf(w, "%d plans, %d events checked: %d snapshot(s) differ from their events", report.Plans, report.Events, report.Mismatches)
	if f.snapshots {
		fmt.Fprintf(w, ", %d rebuilt, %d skipped (changed meanwhile)", report.Rebuilt, report.Skipped)
	}
	fmt.Fprintln(w)
	for _, p := range report.Problems {
		fmt.Fprintf(w, "  %+v\n", p)
	}
	return nil
}

func printReplayResult(w io.Writer, s replay.Status, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(s)
	}
	_, err := fmt.Fprintf(w, "replay %s: %d events, %d plans, %d documents into %s (was %s)\n",
		s.State, s.EventsRead, s.Plans, s.DocumentsWritten, s.IndexTo, s.IndexFrom)
	return err
}
