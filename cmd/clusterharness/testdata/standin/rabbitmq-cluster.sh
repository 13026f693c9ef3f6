#!/usr/bin/env bash
# Stand-in for deployments/local-cluster/rabbitmq-cluster.sh: a vhost on the shared broker.
set -euo pipefail
dir="${PLANSTORE_RMQ_CLUSTER_DIR:?}"
base="${PLANSTORE_STANDIN_AMQP:-amqp://guest:guest@127.0.0.1:5672}"
vhost="clusterharness-$(basename "$dir" | tr -c 'a-zA-Z0-9\n' '-')-$(basename "$(dirname "$dir")" | tr -c 'a-zA-Z0-9\n' '-')"
case "${1:-}" in
  start)
    mkdir -p "$dir"
    rabbitmqctl -q add_vhost "$vhost" >/dev/null 2>&1 || true
    rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null
    echo "$base/$vhost" ;;
  stop) rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true ;;
  reset) ;;
  stop-node) rabbitmqctl -q close_all_connections --vhost "$vhost" "clusterharness stand-in: node ${2:-} stopped" ;;
  start-node) ;;
  kill-node) rabbitmqctl -q close_all_connections --vhost "$vhost" "clusterharness stand-in: node ${2:-} killed" ;;
  status) rabbitmqctl -q list_connections -p "$vhost" name state ;;
  *) echo "usage: $0 start|stop|reset|stop-node I|start-node I|kill-node I|status" >&2; exit 2 ;;
esac
