#!/usr/bin/env bash
# Runs README.md's "Try it with curl" block exactly as written, so the README cannot
# drift from the server: the block is extracted from README.md (the first ```sh fence
# after the heading), every curl's status code is recorded, and the sequence must be
# the one below, which is what the README's comments promise. Runs it twice: a second
# run must work too (fresh data dir each time).
# Usage: .ci/readme-session.sh     (PLANSTORE_ADDR picks the port; default 127.0.0.1:8080)
set -euo pipefail
cd "$(dirname "$0")/.."

# readyz, create, read, etag + 304, etag + PUT, etag + PATCH, stale 412, search, events, feed,
# replay (202, or 200 when the job finished before the answer), etag + delete, 404.
expected="^200 201 200 200 304 200 200 200 200 412 200 200 200 20[02] 200 204 404$"

block="$(awk '/^## Try it with curl/{in_section=1} in_section && /^```sh$/{grab=1; next}
              grab && /^```$/{exit} grab' README.md)"
[ -n "$block" ] || { echo "no \`\`\`sh block under '## Try it with curl' in README.md" >&2; exit 1; }

run_once() {
  local codes="$1"
  # The wrapper adds one write-out line per request on stderr (curl >= 7.63:
  # %{stderr}), leaving the README's own output as it is.
  { printf 'curl() { command curl -w "%%{stderr}readme-status %%{http_code}\\n" "$@"; }\n'
    # shellcheck disable=SC2016 # $SERVER is the session's, expanded when it runs
    printf 'trap '\''kill $SERVER 2>/dev/null || true'\'' EXIT\n'
    printf '%s\n' "$block"
  } | bash -euo pipefail 2> >(tee "$codes.stderr" >&2)
  sleep 0.2 # let the stderr pipe drain
  grep -o 'readme-status [0-9]*' "$codes.stderr" | awk '{print $2}' | paste -sd' ' >"$codes"
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for run in 1 2; do
  echo "== README session, run $run"
  run_once "$tmp/codes-$run"
  got="$(cat "$tmp/codes-$run")"
  if ! [[ "$got" =~ $expected ]]; then
    echo "README session run $run: status codes" >&2
    echo "  got      $got" >&2
    echo "  expected $expected" >&2
    exit 1
  fi
  echo "== run $run: every status as the README says ($got)"
done
