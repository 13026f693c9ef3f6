#!/usr/bin/env bash
# Runs the import benchmark (cmd/importbench) against a fresh planstore:
#   embedded (default): `planstore serve` on a temp data dir, its own import worker;
#   rabbitmq: serve on Redis (IMPORT_BENCH_REDIS, default redis://127.0.0.1:6379/4, which
#   is FLUSHED) and RabbitMQ (IMPORT_BENCH_AMQP, default amqp://guest:guest@127.0.0.1:5672/)
#   with no worker of its own, and two `planstore worker` processes.
# Usage: cmd/importbench/run.sh [embedded|rabbitmq]   (LINES=100000 SINGLE=5000 CLIENTS=32
#        IMPORT_BENCH_ADDR=127.0.0.1:18510)
set -euo pipefail
cd "$(dirname "$0")/../.."
mode="${1:-embedded}"
addr="${IMPORT_BENCH_ADDR:-127.0.0.1:18510}"
work="$(mktemp -d)"
pids=()
# shellcheck disable=SC2317 # called by the trap
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/planstore" ./cmd/planstore
go build -o "$work/importbench" ./cmd/importbench
export PLANSTORE_DATA_DIR="$work/data"
case "$mode" in
  embedded) ;;
  rabbitmq)
    export PLANSTORE_REDIS_URL="${IMPORT_BENCH_REDIS:-redis://127.0.0.1:6379/4}"
    export PLANSTORE_AMQP_URL="${IMPORT_BENCH_AMQP:-amqp://guest:guest@127.0.0.1:5672/}"
    redis-cli -u "$PLANSTORE_REDIS_URL" flushdb >/dev/null
    ;;
  *) echo "usage: $0 [embedded|rabbitmq]" >&2; exit 2 ;;
esac
serve_args=(serve --addr "$addr")
[ "$mode" = rabbitmq ] && serve_args+=(--import-workers -1)
"$work/planstore" "${serve_args[@]}" 2>"$work/serve.log" & pids+=($!)
curl -sf --retry 60 --retry-connrefused --retry-delay 1 "http://$addr/readyz" >/dev/null \
  || { tail -n 30 "$work/serve.log" >&2; exit 1; }
if [ "$mode" = rabbitmq ]; then
  for i in 1 2; do
    port=$(( ${addr##*:} + i ))
    "$work/planstore" worker --addr "127.0.0.1:$port" 2>"$work/worker$i.log" & pids+=($!)
  done
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$work/importbench" --server "http://$addr" --signing-key-file "$work/data/auth/dev-signing-key.pem" \
  --lines "${LINES:-100000}" --single "${SINGLE:-5000}" --clients "${CLIENTS:-32}"
echo "machine after: load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
