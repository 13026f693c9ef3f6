package redisstore

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// The Lua scripts, one file each under lua/. go-redis runs them with EVALSHA and falls
// back to EVAL (which caches them again) when a restarted or failed-over server lacks them.
var (
	//go:embed lua/append.lua
	appendSrc string
	//go:embed lua/begin.lua
	beginSrc string
	//go:embed lua/claim.lua
	claimSrc string
	//go:embed lua/undo.lua
	undoSrc string
	//go:embed lua/finalize.lua
	finalizeSrc string
	//go:embed lua/probe.lua
	probeSrc string
	//go:embed lua/takeover.lua
	takeoverSrc string
	//go:embed lua/unlock.lua
	unlockSrc string

	appendScript   = redis.NewScript(appendSrc)
	beginScript    = redis.NewScript(beginSrc)
	claimScript    = redis.NewScript(claimSrc)
	undoScript     = redis.NewScript(undoSrc)
	finalizeScript = redis.NewScript(finalizeSrc)
	probeScript    = redis.NewScript(probeSrc)
	takeoverScript = redis.NewScript(takeoverSrc)
	unlockScript   = redis.NewScript(unlockSrc)

	allScripts = []*redis.Script{appendScript, beginScript, claimScript, undoScript, finalizeScript, probeScript, takeoverScript, unlockScript}
)

// loadScripts caches the scripts on the server up front, so the first appends do not
// each pay a NOSCRIPT round trip.
func loadScripts(ctx context.Context, c redis.UniversalClient) error {
	for _, s := range allScripts {
		if err := s.Load(ctx, c).Err(); err != nil {
			return fmt.Errorf("load script: %w", err)
		}
	}
	return nil
}

// scriptCall is one script run, possibly batched with others in a pipeline.
type scriptCall struct {
	script *redis.Script
	keys   []string
	args   []any
	cmd    *redis.Cmd
}

// runScripts runs the calls in one pipeline (one round trip per node: on a cluster the
// client splits it by slot). Each call's result or error is in its cmd.
func runScripts(ctx context.Context, c redis.UniversalClient, calls []*scriptCall) {
	if len(calls) == 1 {
		calls[0].cmd = calls[0].script.Run(ctx, c, calls[0].keys, calls[0].args...)
		return
	}
	pipe := c.Pipeline()
	for _, call := range calls {
		call.cmd = call.script.EvalSha(ctx, pipe, call.keys, call.args...)
	}
	// Errors are per command; Exec's own error is the first of them.
	_, _ = pipe.Exec(ctx)
	for _, call := range calls {
		if err := call.cmd.Err(); err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
			// The script did not run: running it again is safe.
			call.cmd = call.script.Run(ctx, c, call.keys, call.args...)
		}
	}
}

// reply is a script's array reply as strings: a status first, then details.
type reply []string

func (r reply) status() string {
	if len(r) == 0 {
		return ""
	}
	return r[0]
}

func (r reply) arg(i int) string {
	if i+1 >= len(r) {
		return ""
	}
	return r[i+1]
}

func parseReply(cmd *redis.Cmd) (reply, error) {
	v, err := cmd.Result()
	if err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case []any:
		out := make(reply, len(v))
		for i, x := range v {
			out[i] = fmt.Sprint(x)
		}
		return out, nil
	case string:
		return reply{v}, nil
	default:
		return reply{fmt.Sprint(v)}, nil
	}
}
