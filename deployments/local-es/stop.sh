#!/usr/bin/env bash
# Stop the node started by start.sh (SIGTERM, then SIGKILL after PLANSTORE_ES_STOP_TIMEOUT
# seconds, default 30). Idempotent: succeeds when nothing is running.
# With PLANSTORE_ES_NODES=N (N > 1) it stops every node of that cluster (cluster.sh).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

on_cluster stop

resolve_cache
set_paths
lock_cache

pid="$(running_pid)"
if [ -z "$pid" ]; then
  # A node whose pid file was never written (killed start) still carries our config path.
  pid="$(pgrep -f "es.path.conf=$ES_CONF" | head -n1 || true)"
fi
if [ -z "$pid" ]; then
  log "not running (no live pid in $ES_PIDFILE)"
  exit 0
fi

log "stopping Elasticsearch (pid $pid)"
kill -TERM "$pid" 2>/dev/null || true
timeout="${PLANSTORE_ES_STOP_TIMEOUT:-30}"
for _ in $(seq "$((timeout * 5))"); do
  kill -0 "$pid" 2>/dev/null || { rm -f "$ES_PIDFILE"; log "stopped"; exit 0; }
  sleep 0.2
done
log "still alive after ${timeout}s, sending SIGKILL"
kill -KILL "$pid" 2>/dev/null || true
sleep 0.5
rm -f "$ES_PIDFILE"
log "killed"
