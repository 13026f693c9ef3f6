#!/usr/bin/env bash
# Smoke-test a running node: product header, the project's index body (taken from
# projections/mapping.go, so it stays in sync), parent/child indexing with routing, and
# has_child / has_parent queries. Cleans up its index. Exit 0 = all good.
# Usage: smoke.sh [URL]   (default $PLANSTORE_TEST_ES_URL, else http://127.0.0.1:$PLANSTORE_ES_PORT)
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

URL="${1:-${PLANSTORE_TEST_ES_URL:-$ES_URL}}"
URL="${URL%/}"
INDEX="planstore-smoke-$$"
MAPPING_GO="$REPO_ROOT/projections/mapping.go"
pass=0 fail=0

ok()  { pass=$((pass + 1)); printf '  ok   %s\n' "$1"; }
bad() { fail=$((fail + 1)); printf '  FAIL %s\n' "$1"; [ -z "${2:-}" ] || printf '       %s\n' "$2"; }
req() { # METHOD PATH [BODY] -> prints body; fails on transport errors only
  local args=(-sS --max-time 30 -X "$1" "$URL$2")
  [ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
  curl "${args[@]}"
}
ids() { grep -o '"_id":"[^"]*"' | cut -d'"' -f4 | sort | tr '\n' ' ' | sed 's/ $//'; }
expect_ids() { # name want response
  local got; got="$(printf '%s' "$3" | ids)"
  if [ "$got" = "$2" ]; then ok "$1 -> [$got]"; else bad "$1: want [$2] got [$got]" "$3"; fi
}
cleanup() { req DELETE "/$INDEX" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "smoke test against $URL"

headers="$(curl -sS --max-time 10 -D - -o /tmp/planstore-smoke-root.$$ "$URL/")" \
  || { echo "cannot reach $URL"; exit 1; }
root="$(cat /tmp/planstore-smoke-root.$$)"; rm -f /tmp/planstore-smoke-root.$$
if printf '%s' "$headers" | grep -qi '^x-elastic-product: *Elasticsearch'; then
  ok "X-Elastic-Product: Elasticsearch header (go-elasticsearch v8 product check)"
else
  bad "no X-Elastic-Product header" "$headers"
fi
version="$(printf '%s' "$root" | grep -o '"number" *: *"[^"]*"' | cut -d'"' -f4)"
ok "version $version"

[ -f "$MAPPING_GO" ] || { echo "missing $MAPPING_GO"; exit 1; }
body="$(awk '/^const IndexBody = `/{f=1; sub(/^const IndexBody = `/, ""); } f{ if (/`/) { sub(/`.*/, ""); print; exit } print }' "$MAPPING_GO")"
printf '%s' "$body" | grep -q '"join"' || { echo "could not extract IndexBody from $MAPPING_GO"; exit 1; }

r="$(req PUT "/$INDEX" "$body")"
if printf '%s' "$r" | grep -q '"acknowledged":true'; then ok "create index with projections.IndexBody"; else bad "create index" "$r"; fi

doc() { # id routing json
  local r; r="$(req PUT "/$INDEX/_doc/$1?routing=$2" "$3")"
  if printf '%s' "$r" | grep -q '"result":"created"\|"result":"updated"'; then ok "index $1 (routing $2)"; else bad "index $1" "$r"; fi
}
doc plan-1 plan-1 '{"objectId":"plan-1","objectType":"plan","_org":"example.com","planType":"inNetwork","creationDate":"12-12-2017","plan_join":{"name":"plan"}}'
doc plan-2 plan-2 '{"objectId":"plan-2","objectType":"plan","_org":"example.com","planType":"outOfNetwork","creationDate":"01-01-2020","plan_join":{"name":"plan"}}'
doc cs-1 plan-1 '{"objectId":"cs-1","objectType":"membercostshare","_org":"example.com","copay":23.5,"deductible":2000,"plan_join":{"name":"planCostShare","parent":"plan-1"}}'
doc lps-1 plan-1 '{"objectId":"lps-1","objectType":"planservice","_org":"example.com","plan_join":{"name":"linkedPlanService","parent":"plan-1"}}'
doc svc-1 plan-1 '{"objectId":"svc-1","objectType":"service","_org":"example.com","name":"Yearly physical","plan_join":{"name":"linkedService","parent":"lps-1"}}'
doc pscs-1 plan-1 '{"objectId":"pscs-1","objectType":"membercostshare","_org":"example.com","copay":10,"deductible":100,"plan_join":{"name":"planserviceCostShare","parent":"lps-1"}}'

r="$(req PUT "/$INDEX/_doc/orphan?routing=plan-1" '{"objectId":"x","plan_join":{"name":"planCostShare"}}')"
if printf '%s' "$r" | grep -q 'parent'; then ok "child without parent is rejected"; else bad "child without parent accepted" "$r"; fi
r="$(req PUT "/$INDEX/_doc/strict?routing=plan-1" '{"objectId":"x","unknown":1,"plan_join":{"name":"plan"}}')"
if printf '%s' "$r" | grep -q 'strict_dynamic_mapping_exception'; then ok "dynamic: strict rejects unknown field"; else bad "unknown field accepted" "$r"; fi

req POST "/$INDEX/_refresh" >/dev/null

expect_ids "has_child planCostShare copay>=20" "plan-1" "$(req POST "/$INDEX/_search" \
  '{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":20}}}}}}')"
expect_ids "has_parent plan planType=inNetwork" "cs-1 lps-1" "$(req POST "/$INDEX/_search" \
  '{"query":{"has_parent":{"parent_type":"plan","query":{"term":{"planType":"inNetwork"}}}}}')"
expect_ids "has_child two levels (plan > linkedPlanService > linkedService)" "plan-1" "$(req POST "/$INDEX/_search" \
  '{"query":{"has_child":{"type":"linkedPlanService","query":{"has_child":{"type":"linkedService","query":{"match":{"name":"physical"}}}}}}}')"
expect_ids "has_parent linkedPlanService (grandchildren)" "pscs-1 svc-1" "$(req POST "/$INDEX/_search" \
  '{"query":{"has_parent":{"parent_type":"linkedPlanService","query":{"match_all":{}}}}}')"
expect_ids "parent_id plan-1 planCostShare" "cs-1" "$(req POST "/$INDEX/_search" \
  '{"query":{"parent_id":{"type":"planCostShare","id":"plan-1"}}}')"
r="$(req POST "/$INDEX/_search" '{"size":0,"query":{"term":{"objectId":"plan-1"}},"aggs":{"kids":{"children":{"type":"planCostShare"},"aggs":{"c":{"sum":{"field":"copay"}}}}}}')"
if printf '%s' "$r" | grep -q '"kids":{"doc_count":1,"c":{"value":23.5}'; then ok "children aggregation"; else bad "children aggregation" "$r"; fi

echo "smoke: $pass passed, $fail failed"
[ "$fail" = 0 ]
