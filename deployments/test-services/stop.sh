#!/usr/bin/env bash
# Stop the services with-services.sh started (and only those): its Redis servers, the
# RabbitMQ node and PostgreSQL cluster if it started them, and the local Elasticsearch (deployments/local-es).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="$repo/.cache/test-services"
for pidfile in "$state"/redis-*/redis.pid; do
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill "$pid" 2>/dev/null; then echo "[test-services] stopped redis (pid $pid)"; fi
  rm -f "$pidfile"
done
if [ -f "$state/rabbitmq.started" ]; then
  if rabbitmqctl -q stop >/dev/null 2>&1; then echo "[test-services] stopped rabbitmq"; fi
  rm -f "$state/rabbitmq.started"
fi
if [ -f "$state/postgres.started" ]; then
  dir="$(cat "$state/postgres.started")"
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  as=()
  [ "$(id -u)" != 0 ] || as=(runuser -u postgres --)
  if [ -n "$bin" ] && "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1; then
    echo "[test-services] stopped postgres ($dir)"
  fi
  rm -f "$state/postgres.started"
fi
"$repo/deployments/local-es/stop.sh"
