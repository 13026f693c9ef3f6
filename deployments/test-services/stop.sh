#!/usr/bin/env bash
# Stop the services with-services.sh started (and only those): its Redis servers, the
# RabbitMQ node if it started it, and the local Elasticsearch (deployments/local-es).
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
"$repo/deployments/local-es/stop.sh"
