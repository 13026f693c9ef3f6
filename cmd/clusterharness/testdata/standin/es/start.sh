#!/usr/bin/env bash
# Stand-in for deployments/local-es/start.sh: the shared node, not started or stopped here.
set -euo pipefail
url="${PLANSTORE_STANDIN_ES_URL:-http://127.0.0.1:9200}"
curl -fsS "$url/_cluster/health" >/dev/null
echo "$url"
