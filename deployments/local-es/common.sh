# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this file
# Shared settings for the local Elasticsearch scripts. Sourced, never run.
# Every value can be overridden from the environment (see README.md).

umask 022

LOCAL_ES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$LOCAL_ES_DIR/../.." && pwd)"

ES_VERSION="${PLANSTORE_ES_VERSION:-7.17.29}"
ES_PORT="${PLANSTORE_ES_PORT:-9200}"
ES_HOST="127.0.0.1"
ES_URL="http://$ES_HOST:$ES_PORT"
ES_USER="${PLANSTORE_ES_USER:-planstore-es}"
ES_HEAP="${PLANSTORE_ES_HEAP:-512m}"
ES_START_TIMEOUT="${PLANSTORE_ES_START_TIMEOUT:-180}"

# SHA-256 of the pinned artifacts (Maven also checks Central's .sha1 with --strict-checksums).
# Only checked for the pinned version; another PLANSTORE_ES_VERSION relies on Maven's check.
PINNED_VERSION="7.17.29"
PINNED_ZIP_SHA256="841ee00be1a72ba8e707b5a2fb55f23fe7a4184369b4585393238b1c903eedaf"
PINNED_JOIN_SHA256="f3f42a93adb63408492f64038e0cadea1857b7dd9f93e7dd6f8142216daaae92"

ZIP_COORD="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
JOIN_COORD="org.elasticsearch.plugin:parent-join-client:$ES_VERSION:jar"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

log() { printf '[local-es] %s\n' "$*" >&2; }
die() { printf '[local-es] ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH. $2"; }

is_root() { [ "$(id -u)" = 0 ]; }

# Run a command as the ES user (root) or as ourselves (non-root: ES only refuses root).
as_es() {
  if is_root; then
    runuser -u "$ES_USER" -- "$@"
  else
    "$@"
  fi
}

# The cache must be reachable by the ES user. Default: <repo>/.cache/es; if root runs in a
# checkout the ES user cannot traverse (e.g. under /root) and no explicit
# PLANSTORE_ES_CACHE was given, fall back to /var/tmp/planstore-es.
resolve_cache() {
  if [ -n "${PLANSTORE_ES_CACHE:-}" ]; then
    ES_CACHE="$PLANSTORE_ES_CACHE"
    return
  fi
  ES_CACHE="$REPO_ROOT/.cache/es"
  if is_root && id "$ES_USER" >/dev/null 2>&1; then
    mkdir -p "$ES_CACHE"
    if ! runuser -u "$ES_USER" -- test -x "$ES_CACHE"; then
      log "user $ES_USER cannot reach $ES_CACHE (a parent directory is not world-traversable);"
      log "using /var/tmp/planstore-es instead (set PLANSTORE_ES_CACHE to choose)."
      ES_CACHE="/var/tmp/planstore-es"
    fi
  fi
  export PLANSTORE_ES_CACHE="$ES_CACHE" # child scripts (fetch.sh) resolve the same way
}

set_paths() {
  ES_HOME="$ES_CACHE/elasticsearch-$ES_VERSION"
  ES_DOWNLOADS="$ES_CACHE/downloads"
  ES_RUN="$ES_CACHE/run"            # owned by the ES user: config, data, logs, tmp, pid
  ES_CONF="$ES_RUN/config"
  ES_PIDFILE="$ES_RUN/es.pid"
  ES_CONSOLE="$ES_RUN/logs/console.log"
}

ensure_user() {
  is_root || return 0
  if ! id "$ES_USER" >/dev/null 2>&1; then
    need useradd "Install Debian package 'passwd'."
    log "creating system user $ES_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$ES_USER" \
      || id "$ES_USER" >/dev/null 2>&1 || die "could not create user $ES_USER"
  fi
  need runuser "Install Debian package 'util-linux'."
}

find_java_home() {
  if [ -n "${PLANSTORE_ES_JAVA_HOME:-}" ]; then
    printf '%s\n' "$PLANSTORE_ES_JAVA_HOME"; return
  fi
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    printf '%s\n' "$JAVA_HOME"; return
  fi
  command -v java >/dev/null 2>&1 \
    || die "no java found. ES $ES_VERSION (integ-test zip, no bundled JDK) needs Java 11-21: apt-get install -y openjdk-17-jre-headless"
  local j; j="$(readlink -f "$(command -v java)")"
  printf '%s\n' "${j%/bin/java}"
}

# Pid of the running node from the pid file, or nothing (cleans a stale pid file).
running_pid() {
  [ -f "$ES_PIDFILE" ] || return 0
  local pid; pid="$(cat "$ES_PIDFILE" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
     && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'org.elasticsearch.bootstrap.Elasticsearch'; then
    printf '%s\n' "$pid"
  else
    rm -f "$ES_PIDFILE" 2>/dev/null || true
  fi
}

# Serialise start/stop/fetch of one cache (engineers and CI may call start.sh at once).
lock_cache() {
  mkdir -p "$ES_CACHE"
  need flock "Install Debian package 'util-linux'."
  exec 9>"$ES_CACHE/.lock"
  flock -w 600 9 || die "could not lock $ES_CACHE/.lock within 600s"
}
