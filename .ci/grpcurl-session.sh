#!/usr/bin/env bash
# Drives the gRPC API with grpcurl (server reflection, no .proto needed) the way a user
# would: health, a missing token (UNAUTHENTICATED), a missing scope (PERMISSION_DENIED),
# create, get, a stale patch (FAILED_PRECONDITION with a PreconditionFailure), an
# invalid plan (INVALID_ARGUMENT with the field paths), search, and a Subscribe that is
# cut off and resumed from its last position without a gap or a duplicate.
# Usage: .ci/grpcurl-session.sh   (PLANSTORE_ADDR picks the port, default 127.0.0.1:8080;
# grpcurl on PATH: go install github.com/fullstorydev/grpcurl/cmd/grpcurl@$(sed -n 's/^GRPCURL_VERSION *?= *//p' Makefile))
set -euo pipefail
cd "$(dirname "$0")/.."
command -v grpcurl >/dev/null || { echo "grpcurl is not installed (see the usage above)" >&2; exit 1; }

go build -o bin/planstore ./cmd/planstore
export PLANSTORE_DATA_DIR="$(mktemp -d)" PLANSTORE_ADDR="${PLANSTORE_ADDR:-127.0.0.1:8080}"
ADDR=$PLANSTORE_ADDR
bin/planstore serve 2>"$PLANSTORE_DATA_DIR/serve.log" & SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$PLANSTORE_DATA_DIR"' EXIT
curl -sf --retry 30 --retry-connrefused --retry-delay 1 "http://$ADDR/readyz" >/dev/null
RW="authorization: Bearer $(bin/planstore token --scope "plans:read plans:write")"
RO="authorization: Bearer $(bin/planstore token --scope "plans:read")"
PLAN=12xvxc345ssdsds-508
SVC=planstore.v1.PlanService

fail() { echo "grpcurl session: $*" >&2; exit 1; }
# call EXPECTED-EXIT ARGS...: grpcurl exits 64 + the status code when a call fails.
call() {
  local want=$1; shift
  local out rc=0
  out="$(grpcurl -plaintext -format-error "$@" 2>&1)" || rc=$?
  printf '%s\n' "$out" >&2
  [ "$rc" = "$want" ] || fail "grpcurl $* exited $rc, want $want"
  printf '%s\n' "$out"
}
has() { grep -q -- "$2" <<<"$1" || fail "expected $2 in: $1"; }

has "$(call 0 "$ADDR" list)" "$SVC"
has "$(call 0 -d '{"service":"planstore.v1.PlanService"}' "$ADDR" grpc.health.v1.Health/Check)" SERVING

# No token: UNAUTHENTICATED (16); read scope only, a write: PERMISSION_DENIED (7).
has "$(call 80 -d "{\"id\":\"$PLAN\"}" "$ADDR" $SVC/Get)" '"code": 16'
has "$(call 71 -H "$RO" -d "{\"plan\":$(cat aggregates/plan/exampleplan/plan.json)}" "$ADDR" $SVC/Create)" '"code": 7'

# Create, get.
has "$(call 0 -H "$RW" -d "{\"plan\":$(cat aggregates/plan/exampleplan/plan.json)}" "$ADDR" $SVC/Create)" '"version": "1"'
has "$(call 0 -H "$RW" -d "{\"id\":\"$PLAN\"}" "$ADDR" $SVC/Get)" '"etag": "\\"1\\""'

# A stale version: FAILED_PRECONDITION (9) with a PreconditionFailure.
out="$(call 73 -H "$RW" -d "{\"id\":\"$PLAN\",\"if_match\":7,\"patch\":{\"planType\":\"inNetwork\"}}" "$ADDR" $SVC/Patch)"
has "$out" '"code": 9'; has "$out" google.rpc.PreconditionFailure
has "$(call 0 -H "$RW" -d "{\"id\":\"$PLAN\",\"if_match\":1,\"patch\":{\"planType\":\"inNetwork\"}}" "$ADDR" $SVC/Patch)" '"version": "2"'

# An invalid plan: INVALID_ARGUMENT (3) with the paths problem+json names.
out="$(call 67 -H "$RW" -d '{"plan":{"objectId":"bad-1","objectType":"plan","_org":"example.com","planType":"inNetwork","creationDate":"12-12-2017","planCostShares":{"deductible":-1,"_org":"example.com","copay":23,"objectId":"bad-2","objectType":"membercostshare"}}}' "$ADDR" $SVC/Create)"
has "$out" '"code": 3'; has "$out" '"field": "planCostShares.deductible"'; has "$out" '"field": "linkedPlanServices"'

# Search is eventually consistent.
for i in $(seq 50); do
  out="$(call 0 -H "$RW" -d '{"body":{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":1}}}}}}}' "$ADDR" $SVC/Search 2>/dev/null)"
  grep -q "\"_id\": \"$PLAN\"" <<<"$out" && break
  [ "$i" = 50 ] && fail "search never found $PLAN"; sleep 0.2
done

# Subscribe from the start, cut off after 2 s (DEADLINE_EXCEEDED, 4): both events.
out="$(call 68 -H "$RW" -max-time 2 -d '{}' "$ADDR" $SVC/Subscribe)"
[ "$(grep -c '"type": "plan\.' <<<"$out")" = 2 ] || fail "first stream: want 2 events"
last="$(grep '"position"' <<<"$out" | tail -1 | sed 's/.*"position": "\(.*\)".*/\1/')"
# Meanwhile one more commit; the resumed stream has exactly it.
call 0 -H "$RW" -d "{\"id\":\"$PLAN\",\"patch\":{\"planType\":\"outOfNetwork\"}}" "$ADDR" $SVC/Patch >/dev/null
out="$(call 68 -H "$RW" -max-time 2 -d "{\"after\":\"$last\"}" "$ADDR" $SVC/Subscribe)"
[ "$(grep -c '"type": "plan\.' <<<"$out")" = 1 ] || fail "resumed stream: want exactly the new event"
has "$out" '"version": "3"'

# Delete with the current version.
call 0 -H "$RW" -d "{\"id\":\"$PLAN\",\"if_match\":3}" "$ADDR" $SVC/Delete >/dev/null
has "$(call 69 -H "$RW" -d "{\"id\":\"$PLAN\"}" "$ADDR" $SVC/Get)" '"code": 5'
echo "grpcurl session: ok"
