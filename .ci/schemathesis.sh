#!/usr/bin/env bash
# Checks the OpenAPI document against the server with schemathesis: every check and
# every phase (examples, coverage, fuzzing, stateful) against a real `planstore serve`
# on the embedded backends, a bounded number of examples per operation so it takes a few
# minutes. Fails on any failure. schemathesis is pinned and installed in a venv under
# .cache/ (git-ignored).
# Usage: .ci/schemathesis.sh    (PLANSTORE_ST_ADDR, default 127.0.0.1:18080;
#                                PLANSTORE_ST_EXAMPLES, default 40; PLANSTORE_ST_SEED)
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
addr="${PLANSTORE_ST_ADDR:-127.0.0.1:18080}"
examples="${PLANSTORE_ST_EXAMPLES:-40}"
venv=.cache/schemathesis-$SCHEMATHESIS_VERSION

log() { printf '[schemathesis] %s\n' "$*" >&2; }

if [ ! -x "$venv/bin/st" ]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

work="$(mktemp -d)"
go build -o "$work/planstore" ./cmd/planstore
"$work/planstore" serve --addr "$addr" --data-dir "$work/data" >"$work/serve.log" 2>&1 &
server=$!
# shellcheck disable=SC2317 # called by the trap
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
curl -sf --retry 30 --retry-connrefused --retry-delay 1 "http://$addr/readyz" >/dev/null \
  || { tail -n 50 "$work/serve.log" >&2; exit 1; }
token="$("$work/planstore" token --data-dir "$work/data" --scope "plans:read plans:write plans:admin")"

log "st run: all checks, all phases, $examples examples per operation"
set +e
SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH=.ci \
"$venv/bin/st" --config-file .ci/schemathesis.toml run "http://$addr/openapi.json" \
  --checks all --phases examples,coverage,fuzzing,stateful \
  --max-examples "$examples" ${PLANSTORE_ST_SEED:+--seed "$PLANSTORE_ST_SEED"} \
  --header "Authorization: Bearer $token" \
  --request-timeout 30 --suppress-health-check too_slow,filter_too_much \
  --report junit --report-dir "${PLANSTORE_ST_REPORT_DIR:-$work/report}"
rc=$?
set -e
if [ "$rc" != 0 ]; then
  log "schemathesis found failures (exit $rc); the server's log ends with:"
  tail -n 20 "$work/serve.log" >&2
fi
exit "$rc"
