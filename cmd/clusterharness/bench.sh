#!/usr/bin/env bash
# The cluster figures of docs/performance.md: starts the fault harness's set-up (Redis
# Cluster 3+3, RabbitMQ x3, Elasticsearch x3, 2 x each planstore role) with no fault and
# --hold-open, runs planbench against it, and tears it down.
#
#   cmd/clusterharness/bench.sh            # from the repository root
#
# Reports (tables and JSON) land in $OUT (default ./planbench-cluster-results). CLIENTS
# (default 32 per planbench), DURATION (default 10s) and PLANS (default 2000) can be set.
# Creates go to both command APIs at once (two planbench processes, rates summed),
# reads and searches to both query APIs at once, each preloading through a command API.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${OUT:-./planbench-cluster-results}" && cd "${OUT:-./planbench-cluster-results}" && pwd)
clients=${CLIENTS:-32}
duration=${DURATION:-10s}
plans=${PLANS:-2000}
work=$(mktemp -d /tmp/clusterbench-XXXXXX)

(cd "$root" && go build -o "$work/clusterharness" ./cmd/clusterharness && go build -o "$work/planbench" ./cmd/planbench)

"$work/clusterharness" --repo "$root" --work-dir "$work/run" --faults "" --hold-open \
  --warmup 1s --tail 0s --rate 5 >"$out/harness.txt" 2>"$out/harness.log" &
harness=$!
cleanup() { kill -INT "$harness" 2>/dev/null || true; wait "$harness" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
until grep -q -- '--hold-open:' "$out/harness.log"; do
  kill -0 "$harness" 2>/dev/null || { cat "$out/harness.log" "$out/harness.txt" >&2; exit 1; }
  sleep 1
done
token="$work/run/token"
cmd1=http://127.0.0.1:18001 cmd2=http://127.0.0.1:18002 q1=http://127.0.0.1:18003 q2=http://127.0.0.1:18004

# pair NAME URL1 URL2 ARGS...: one planbench per URL at once, each with its own report.
pair() {
  local name=$1 u1=$2 u2=$3; shift 3
  echo "== $name" >&2
  "$work/planbench" run --url "$u1" --token-file "$token" --progress off --json-file "$out/$name-1.json" "$@" >"$out/$name-1.txt" &
  local p1=$!
  "$work/planbench" run --url "$u2" --token-file "$token" --progress off --json-file "$out/$name-2.json" "$@" >"$out/$name-2.txt"
  wait "$p1"
  cat "$out/$name-1.txt" "$out/$name-2.txt"
}

pair creates "$cmd1" "$cmd2" --scenario create-only --clients "$clients" --duration "$duration"
pair reads "$q1" "$q2" --scenario read --plans "$((plans / 2))" --clients "$clients" --duration "$duration" --preload-url "$cmd1"
pair search "$q1" "$q2" --scenario search --plans "$((plans / 2))" --clients "$clients" --duration "$duration" --preload-url "$cmd2"
echo "reports in $out" >&2
