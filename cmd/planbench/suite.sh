#!/usr/bin/env bash
# Runs the planbench suite behind docs/performance.md against a fresh planstore:
# creates, reads against the bare baseline, searches at 10,000 plans and projection lag.
#
#   cmd/planbench/suite.sh                 # embedded backends
#   cmd/planbench/suite.sh --redis-url redis://127.0.0.1:6379/15 --amqp-url amqp://guest:guest@127.0.0.1:5672/
#
# Extra arguments go to `planstore serve`. Reports (tables and JSON) land in $OUT
# (default ./planbench-results). PORT (default 18080), CLIENTS (default 64) and
# DURATION (default 10s) can be set in the environment.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-./planbench-results}
port=${PORT:-18080}
clients=${CLIENTS:-64}
duration=${DURATION:-10s}
work=$(mktemp -d)
mkdir -p "$out"

(cd "$root" && go build -o "$work/planstore" ./cmd/planstore && go build -o "$work/planbench" ./cmd/planbench)

"$work/planstore" serve --addr "127.0.0.1:$port" --data-dir "$work/data" "$@" 2>"$out/server.log" &
server=$!
cleanup() { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM # exit runs the EXIT trap, so the server never outlives the suite
# Startup rebuilds the embedded search engine from the whole event log, which takes a
# while on a Redis database holding earlier runs: wait up to three minutes.
for _ in $(seq 1800); do
  grep -q '"planstore started"' "$out/server.log" && break
  kill -0 "$server" 2>/dev/null || { cat "$out/server.log"; exit 1; }
  sleep 0.1
done
grep -q '"planstore started"' "$out/server.log" || { echo "planstore did not start within 3 minutes" >&2; exit 1; }
"$work/planstore" token --data-dir "$work/data" --scope "plans:read plans:write" >"$work/token"

backends=()
if [[ " $* " == *" --redis-url "* ]]; then
  pids=$(pgrep -x redis-server | head -1),$(pgrep -f beam.smp | head -1)
  backends=(--backend-pid "${pids%,}")
fi
bench() {
  local name=$1; shift
  echo "== $name" >&2
  "$work/planbench" "$@" --url "http://127.0.0.1:$port" --token-file "$work/token" \
    --server-pid "$server" "${backends[@]}" --progress lines --json-file "$out/$name.json" | tee "$out/$name.txt"
}

bench creates run --scenario create-only --clients "$clients" --duration "$duration"
bench reads baseline --bare process --rounds 3 --plans 1000 --clients 16 --duration 5s
if "$work/planbench" run --scenario search --plans 1 --duration 1s --warmup 0s --progress off \
    --url "http://127.0.0.1:$port" --token-file "$work/token" >/dev/null 2>&1; then
  bench search run --scenario search --plans 10000 --clients 16 --duration "$duration"
  bench lag run --scenario lag --clients "$clients" --duration 5s --warmup 0s
  bench mixed run --scenario mixed --plans 1000 --clients 32 --duration "$duration" --lag-sample 0.05
else
  echo "== /v1/search is not available: search, lag and mixed skipped" >&2
fi
echo "server RSS now: $(ps -o rss= -p "$server") kB" | tee "$out/server-rss.txt"
