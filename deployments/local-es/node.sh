#!/usr/bin/env bash
# One node of the local cluster started by start.sh with PLANSTORE_ES_NODES=N (N > 1), for
# fault tests. Use the same PLANSTORE_ES_* environment as start.sh.
#   node.sh kill I     kill -9 node I (a crash: no shutdown, no flush) and wait until it is gone
#   node.sh stop I     SIGTERM, SIGKILL after PLANSTORE_ES_STOP_TIMEOUT seconds
#   node.sh start I    start node I again with the same config and data; it rejoins, and this
#                      waits until the cluster is green with every running node
#   node.sh status     one line per node: number, pid or "down", URL
#   node.sh urls       the nodes' comma-separated URLs
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
usage="usage: PLANSTORE_ES_NODES=N $0 kill|stop|start I | status | urls"
[ "$ES_NODES" -gt 1 ] || die "PLANSTORE_ES_NODES=$ES_NODES: node.sh works on a cluster (PLANSTORE_ES_NODES > 1). $usage"
# shellcheck source=cluster.sh
. "$LOCAL_ES_DIR/cluster.sh"
[ $# -ge 1 ] || die "$usage"

ensure_user
resolve_cache
set_paths
cluster_paths

case "$1" in
  status)
    for i in $(seq "$ES_NODES"); do
      pid="$(node_pid "$i")"
      printf '%s\t%s\t%s\n' "$i" "${pid:-down}" "$(node_url "$i")"
    done
    exit 0 ;;
  urls) cluster_urls; exit 0 ;;
  kill | stop | start) [ $# -eq 2 ] || die "$usage" ;;
  *) die "$usage" ;;
esac
cmd="$1" i="$2"
check_node_index "$i"
lock_cluster
[ -f "$(node_dir "$i")/config/elasticsearch.yml" ] || die "node $i of $CLUSTER_NAME was never started here ($(node_dir "$i")); run start.sh first"

case "$cmd" in
  kill) kill_node "$i" ;;
  stop) stop_node "$i" ;;
  start)
    if [ -n "$(node_pid "$i")" ]; then
      log "node $i: already running (pid $(node_pid "$i"))"
    else
      check_port_free "$i"
      # shellcheck disable=SC2034 # read by launch_es (common.sh)
      JAVA_HOME_ES="$(find_java_home)"
      t=$(date +%s%N)
      launch_node "$i"
      alive="$(running_nodes)"
      # The node just launched may not show as running for a moment: count it anyway.
      case " $alive " in *" $i "*) ;; *) alive="$alive $i" ;; esac
      # shellcheck disable=SC2086 # a list of numbers
      want=$(set -- $alive; echo $#)
      wait_green "$want" "$i"
      wait || true
      log "node $i: rejoined, cluster green with $want nodes after $(secs "$t")"
    fi ;;
esac
