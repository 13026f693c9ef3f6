package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/projections/replay"
	"github.com/planstore/planstore/transport/auth"
)

// replayPollInterval is how often the CLI asks the server about its replay job.
const replayPollInterval = 500 * time.Millisecond

// runRemoteReplay asks a running server to rebuild its read model (POST
// /v1/admin/replay) and follows the job until it is done, showing its progress.
func runRemoteReplay(ctx context.Context, cfg app.Config, f replayFlags, stdout, stderr io.Writer) error {
	base := strings.TrimRight(f.server, "/")
	if base == "" {
		base = "http://" + cfg.Addr
	}
	token := f.token
	if token == "" {
		key := cfg.SigningKeyFile
		if key == "" {
			key = auth.DevKeyPath(cfg.DataDir)
		}
		var err error
		if token, err = auth.MintDevTokenWithKeyFile(key, "planstore-replay", []string{auth.ScopeAdmin, auth.ScopeOperator}, 10*time.Minute); err != nil {
			return fmt.Errorf("%w; pass the server's --signing-key-file or --data-dir, or --token with a plans:admin token", err)
		}
	}
	client := &http.Client{Timeout: 30 * time.Second}
	status, location, err := startRemoteReplay(ctx, client, base, token)
	if err != nil {
		return err
	}
	progress := replay.NewProgressPrinter(stderr)
	for status.State == "running" {
		progress.Update(status)
		select {
		case <-ctx.Done():
			return fmt.Errorf("stopped following the replay (it goes on in the server; follow %s%s): %w", base, location, ctx.Err())
		case <-time.After(replayPollInterval):
		}
		if status, err = jobStatus[replay.Status](ctx, client, base+location, token, "replay"); err != nil {
			return err
		}
	}
	progress.Update(status)
	if status.State != "done" {
		return fmt.Errorf("replay %s %s: %s", status.ID, status.State, status.Error)
	}
	return printReplayResult(stdout, status, f.asJSON)
}

func startRemoteReplay(ctx context.Context, client *http.Client, base, token string) (replay.Status, string, error) {
	resp, err := send(ctx, client, http.MethodPost, base+"/v1/admin/replay", token)
	if err != nil {
		return replay.Status{}, "", err
	}
	if resp.status == http.StatusNotFound {
		return replay.Status{}, "", fmt.Errorf("%s has no replay endpoint (answered 404): the admin routes live on the query API (or serve); point --server there", base)
	}
	if resp.status != http.StatusAccepted && resp.status != http.StatusOK {
		return replay.Status{}, "", problemError(resp)
	}
	return acceptedJob(resp, "replay", "/v1/admin/replay/", func(s replay.Status) string { return s.ID })
}
