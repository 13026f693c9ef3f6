#!/usr/bin/env bash
# Run a command with the services the tests need: Redis, RabbitMQ, PostgreSQL and a real
# Elasticsearch 7.17 (deployments/local-es). `make test` runs the tests through it, so
# the README's one test command works on a fresh machine and CI runs exactly that.
#
# Idempotent: a service that already answers is reused (and left alone); one that does
# not is started, and installed first with apt-get when it is missing and we are root.
# Not root and missing: it says what to install and stops, rather than letting every
# test that needs it skip. Services it starts keep running for the next run; stop them
# with `deployments/test-services/stop.sh`.
#
# Honours PLANSTORE_TEST_REDIS_URL, PLANSTORE_TEST_AMQP_URL and
# PLANSTORE_TEST_POSTGRES_URL (a service elsewhere is
# only checked, never started), PLANSTORE_TEST_ES_URL (set: used as is, no local node),
# and PLANSTORE_ES_PORT (the local node's port; PLANSTORE_TEST_ES_URL follows it).
#
# Usage: with-services.sh COMMAND [ARGS...]     exits with COMMAND's status
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
local_es="${PLANSTORE_LOCAL_ES_DIR:-$repo/deployments/local-es}" # tests substitute it
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

log() { printf '[test-services] %s\n' "$*" >&2; }
die() { printf '[test-services] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

# hostport URL DEFAULT_PORT prints "host port" of a redis:// or amqp:// URL.
hostport() {
  local rest="${1#*://}"
  rest="${rest#*@}"
  rest="${rest%%/*}"
  local host="${rest%%:*}" port="$2"
  [ "$rest" = "$host" ] || port="${rest##*:}"
  echo "${host:-127.0.0.1} $port"
}
is_local() { [ "$1" = 127.0.0.1 ] || [ "$1" = localhost ]; }

# ensure_installed COMMAND PACKAGE
ensure_installed() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if is_root && command -v apt-get >/dev/null 2>&1; then
    log "installing $2 (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    return 0
  fi
  die "$1 is not installed and the tests need it. Install it (Debian/Ubuntu: sudo apt-get install $2), or point the tests at a running one (see README.md, Testing), then run make test again."
}

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

ensure_redis() {
  local host port
  read -r host port < <(hostport "${PLANSTORE_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}" 6379)
  if tcp_open "$host" "$port"; then log "redis: reusing $host:$port"; return 0; fi
  is_local "$host" || die "redis: nothing answers on $host:$port (PLANSTORE_TEST_REDIS_URL)"
  ensure_installed redis-server redis-server
  local dir="$repo/.cache/test-services/redis-$port"
  mkdir -p "$dir"
  log "redis: starting on $host:$port (data in $dir)"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$dir" \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --appendonly yes --appendfsync everysec --save "" >/dev/null
  for _ in $(seq 1 100); do tcp_open "$host" "$port" && return 0; sleep 0.2; done
  die "redis did not start on $host:$port; see $dir/redis.log"
}

ensure_rabbitmq() {
  local host port
  read -r host port < <(hostport "${PLANSTORE_TEST_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/}" 5672)
  # The tests create a vhost each with rabbitmqctl, so the CLI is needed either way.
  ensure_installed rabbitmqctl rabbitmq-server
  if tcp_open "$host" "$port"; then log "rabbitmq: reusing $host:$port"; return 0; fi
  is_local "$host" || die "rabbitmq: nothing answers on $host:$port (PLANSTORE_TEST_AMQP_URL)"
  [ "$port" = 5672 ] || die "rabbitmq: can only start one on 5672, not $port"
  log "rabbitmq: starting"
  mkdir -p "$repo/.cache/test-services"
  touch "$repo/.cache/test-services/rabbitmq.started" # stop.sh stops only what we started
  rabbitmq-server -detached
  # -detached returns before the Erlang node registers with epmd, and await_startup
  # exits 69 at once while the node "is not running at all"; so retry until it answers.
  for _ in $(seq 1 90); do
    if rabbitmqctl -q await_startup --timeout 120 >/dev/null 2>&1; then return 0; fi
    sleep 2
  done
  tail -n 50 /var/log/rabbitmq/*.log >&2 2>/dev/null || true
  die "rabbitmq did not start"
}

# pg_bindir prints the newest installed PostgreSQL's bin directory (Debian keeps them
# versioned under /usr/lib/postgresql), or nothing.
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# ensure_postgres starts a throwaway cluster of our own (trust auth on 127.0.0.1, user
# postgres, no fsync: test data) unless one answers. initdb refuses to run as root, so
# as root the cluster belongs to the postgres user the Debian package creates, in a
# directory that user can reach.
ensure_postgres() {
  local host port
  read -r host port < <(hostport "${PLANSTORE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}" 5432)
  if tcp_open "$host" "$port"; then log "postgres: reusing $host:$port"; return 0; fi
  is_local "$host" || die "postgres: nothing answers on $host:$port (PLANSTORE_TEST_POSTGRES_URL)"
  [ -n "$(pg_bindir)" ] || ensure_installed /usr/lib/postgresql/missing postgresql
  local bin dir as=()
  bin="$(pg_bindir)"
  [ -n "$bin" ] || die "postgres: the postgresql package installed no server binaries"
  dir="${PLANSTORE_PG_DIR:-/var/tmp/planstore-test-postgres-$port}"
  mkdir -p "$dir"
  if is_root; then chown postgres "$dir"; as=(runuser -u postgres --); fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "postgres: creating a cluster in $dir"
    "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
  fi
  log "postgres: starting on $host:$port (data in $dir)"
  mkdir -p "$repo/.cache/test-services"
  echo "$dir" >"$repo/.cache/test-services/postgres.started" # stop.sh stops only what we started
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
    die "postgres did not start on $host:$port; see $dir/postgres.log"
}

ensure_elasticsearch() {
  if [ -n "${PLANSTORE_TEST_ES_URL:-}" ]; then
    log "elasticsearch: using PLANSTORE_TEST_ES_URL=$PLANSTORE_TEST_ES_URL"
    return 0
  fi
  # start.sh prints the URL it started (or reused) on stdout: its port is the one
  # PLANSTORE_ES_PORT chose, not necessarily 9200.
  local url
  url="$("$local_es/start.sh")" || die "elasticsearch did not start (deployments/local-es/README.md)"
  [ "${PLANSTORE_ES_SMOKE:-1}" = 0 ] || "$local_es/smoke.sh" "$url" >&2
  export PLANSTORE_TEST_ES_URL="$url"
}

# The admin console's browser test (cmd/planstore/console_browser_test.go): Debian's
# chromium, node, and playwright-core from the committed lock file (no browser download:
# playwright drives the system chromium). Not root and missing: the test skips, and under
# CI=true fails naming what is missing.
ensure_browser_tests() {
  local dir="$repo/cmd/planstore/testdata/console"
  if ! command -v chromium >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
      log "browser tests: chromium or npm missing and not root; the console browser test will skip (fail under CI)"
      return 0
    fi
    command -v chromium >/dev/null 2>&1 || ensure_installed chromium chromium
    command -v npm >/dev/null 2>&1 || ensure_installed npm npm
  fi
  # npm ci only when the lock file changed since the last install.
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed" 2>/dev/null; then
    log "browser tests: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci in $dir failed"
    cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"
  fi
}

# Elasticsearch first: its boot is the slowest, and it wants the CPU before the tests.
ensure_elasticsearch
ensure_redis
ensure_rabbitmq
ensure_browser_tests
ensure_postgres
log "PLANSTORE_TEST_ES_URL=$PLANSTORE_TEST_ES_URL $*"
exec "$@"
