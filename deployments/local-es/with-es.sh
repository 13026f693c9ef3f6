#!/usr/bin/env bash
# Run a command against a real Elasticsearch: start the local node (unless one started by
# start.sh is already up), run smoke.sh, export PLANSTORE_TEST_ES_URL, run the command, and
# stop the node again only if this script started it. Exit status is the command's.
# Usage: with-es.sh go test ./...        (PLANSTORE_ES_SMOKE=0 skips the smoke test)
# With PLANSTORE_ES_NODES=N (N > 1) the same for a local cluster: PLANSTORE_TEST_ES_URL
# gets every node's URL. The node-loss tests stay opt-in (PLANSTORE_TEST_ES_CLUSTER_URLS):
# they kill nodes under the other tests' feet.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ $# -gt 0 ] || die "usage: $0 COMMAND [ARGS...]"

ensure_user
resolve_cache
set_paths
started=0
if [ "$ES_NODES" -gt 1 ]; then
  # shellcheck source=cluster.sh
  . "$LOCAL_ES_DIR/cluster.sh"
  cluster_paths
  if [ -z "$(running_nodes)" ]; then started=1; fi
elif [ -z "$(running_pid "$ES_PIDFILE")" ]; then
  started=1
fi
if [ "$started" = 1 ]; then trap '"$LOCAL_ES_DIR/stop.sh" || true' EXIT; fi

es_urls="$("$LOCAL_ES_DIR/start.sh" | tail -n1)"
export PLANSTORE_TEST_ES_URL="$es_urls"
if [ "${PLANSTORE_ES_SMOKE:-1}" = 1 ]; then "$LOCAL_ES_DIR/smoke.sh" "${es_urls%%,*}"; fi
log "PLANSTORE_TEST_ES_URL=$PLANSTORE_TEST_ES_URL $*"
set +e
"$@"
rc=$?
set -e
exit "$rc"
