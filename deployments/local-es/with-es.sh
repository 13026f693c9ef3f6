#!/usr/bin/env bash
# Run a command against a real Elasticsearch: start the local node (unless one started by
# start.sh is already up), run smoke.sh, export PLANSTORE_TEST_ES_URL, run the command, and
# stop the node again only if this script started it. Exit status is the command's.
# Usage: with-es.sh go test ./...        (PLANSTORE_ES_SMOKE=0 skips the smoke test)
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ $# -gt 0 ] || die "usage: $0 COMMAND [ARGS...]"

ensure_user
resolve_cache
set_paths
started=0
if [ -z "$(running_pid "$ES_PIDFILE")" ]; then started=1; fi
if [ "$started" = 1 ]; then trap '"$LOCAL_ES_DIR/stop.sh" || true' EXIT; fi

"$LOCAL_ES_DIR/start.sh" >/dev/null
export PLANSTORE_TEST_ES_URL="$ES_URL"
if [ "${PLANSTORE_ES_SMOKE:-1}" = 1 ]; then "$LOCAL_ES_DIR/smoke.sh" "$ES_URL"; fi
log "PLANSTORE_TEST_ES_URL=$PLANSTORE_TEST_ES_URL $*"
set +e
"$@"
rc=$?
set -e
exit "$rc"
