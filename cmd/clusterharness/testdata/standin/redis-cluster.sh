#!/usr/bin/env bash
# Stand-in for deployments/local-cluster/redis-cluster.sh: one redis-server, same commands.
set -euo pipefail
dir="${PLANSTORE_REDIS_CLUSTER_DIR:?}"
port="${PLANSTORE_REDIS_CLUSTER_PORT:-7001}"
mkdir -p "$dir"
start() {
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --appendfsync always \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save ''
  wait_ok
}
wait_ok() {
  for _ in $(seq 1 100); do
    redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.2
  done
  echo "redis on $port does not answer" >&2; return 1
}
case "${1:-}" in
  start) start; echo "redis://127.0.0.1:$port/0" ;;
  stop) redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true ;;
  reset) rm -rf "${dir:?}"/* ;;
  kill) kill -9 "$(cat "$dir/redis.pid")"; rm -f "$dir/redis.pid" ;;
  restart) start ;;
  masters) echo "$port" ;;
  wait-ok) wait_ok ;;
  *) echo "usage: $0 start|stop|reset|kill PORT|restart PORT|masters|wait-ok" >&2; exit 2 ;;
esac
