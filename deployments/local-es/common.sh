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
# Nodes of the local cluster: 1 (the default) is the single node CI uses (discovery.type
# single-node, cluster planstore-test); 2 or more form a real cluster (see cluster.sh).
ES_NODES="${PLANSTORE_ES_NODES:-1}"
case "$ES_NODES" in
  '' | *[!0-9]* | 0) printf '[local-es] ERROR: PLANSTORE_ES_NODES=%s, want a number >= 1\n' "$ES_NODES" >&2; exit 1 ;;
esac
if [ "$ES_NODES" -gt 1 ]; then
  ES_HEAP="${PLANSTORE_ES_HEAP:-256m}"                  # several JVMs share the machine
  ES_START_TIMEOUT="${PLANSTORE_ES_START_TIMEOUT:-300}" # N JVMs boot on the same cores
else
  ES_HEAP="${PLANSTORE_ES_HEAP:-512m}"
  ES_START_TIMEOUT="${PLANSTORE_ES_START_TIMEOUT:-180}"
fi

# on_cluster ACTION: with PLANSTORE_ES_NODES > 1, start.sh and stop.sh hand the whole job
# to cluster.sh's cluster_ACTION and exit; on a single node it returns.
on_cluster() {
  [ "$ES_NODES" -gt 1 ] || return 0
  # shellcheck source=cluster.sh
  . "$LOCAL_ES_DIR/cluster.sh"
  "cluster_$1"
  exit 0
}

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

# Pid of the running node from a pid file (default: the single node's), or nothing
# (cleans a stale pid file).
running_pid() {
  local pidfile="${1:-$ES_PIDFILE}"
  [ -f "$pidfile" ] || return 0
  local pid; pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
     && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'org.elasticsearch.bootstrap.Elasticsearch'; then
    printf '%s\n' "$pid"
  else
    rm -f "$pidfile" 2>/dev/null || true
  fi
}

# Who ES runs as, for pgrep.
es_owner() { if is_root; then printf '%s\n' "$ES_USER"; else id -un; fi; }

# Milliseconds since a `date +%s%N` stamp, as "12.345s".
secs() { local ms=$(( ($(date +%s%N) - $1) / 1000000 )); printf '%d.%03ds' $((ms / 1000)) $((ms % 1000)); }

# Serialise start/stop/fetch of one cache (engineers and CI may call start.sh at once).
lock_cache() {
  mkdir -p "$ES_CACHE"
  need flock "Install Debian package 'util-linux'."
  exec 9>"$ES_CACHE/.lock"
  flock -w 600 9 || die "could not lock $ES_CACHE/.lock within 600s"
}

# JVM and logging config of one node: the stock files with paths made absolute (the
# stock jvm.options writes logs/gc.log and heap dumps relative to the working directory)
# and a fixed heap. Args: config dir, run dir (logs/, tmp/ under it).
write_jvm_config() {
  local conf="$1" run="$2"
  mkdir -p "$conf/jvm.options.d"
  cp "$ES_HOME/config/log4j2.properties" "$conf/"
  sed -e "s#file=logs/#file=$run/logs/#; s#ErrorFile=logs/#ErrorFile=$run/logs/#" \
      -e "s#HeapDumpPath=data#HeapDumpPath=$run/tmp#" \
      "$ES_HOME/config/jvm.options" >"$conf/jvm.options"
  cat >"$conf/jvm.options.d/planstore.options" <<OPTS
-Xms$ES_HEAP
-Xmx$ES_HEAP
OPTS
}

# Start one node in the background as the ES user. setsid + closed stdio: the node
# outlives this script and its caller's process group; fd 9 (the lock) is not inherited.
# -d daemonizes, -p writes the pid file once the node has bootstrapped.
# Args: config dir, run dir, pid file, console log.
launch_es() {
  local conf="$1" run="$2" pidfile="$3" console="$4"
  if is_root; then
    (cd "$run" && setsid runuser -u "$ES_USER" -- env -i PATH=/usr/bin:/bin \
      ES_JAVA_HOME="$JAVA_HOME_ES" ES_PATH_CONF="$conf" ES_TMPDIR="$run/tmp" \
      ES_JAVA_OPTS="${PLANSTORE_ES_JAVA_OPTS:-}" \
      "$ES_HOME/bin/elasticsearch" -d -p "$pidfile" \
      </dev/null >"$console" 2>&1 9>&-)
  else
    (cd "$run" && ES_JAVA_HOME="$JAVA_HOME_ES" ES_PATH_CONF="$conf" ES_TMPDIR="$run/tmp" \
      ES_JAVA_OPTS="${PLANSTORE_ES_JAVA_OPTS:-}" JAVA_HOME='' \
      setsid "$ES_HOME/bin/elasticsearch" -d -p "$pidfile" \
      </dev/null >"$console" 2>&1 9>&-)
  fi
}

# Indices a single node can never make green: a leftover index from an earlier run (a
# cluster test, a crashed test) that asks for replicas keeps the node yellow forever.
# On one node a replica has nowhere to go, so dropping it loses nothing; say what was
# done. Red indices (a primary that cannot be allocated) are only reported: deleting
# data is the caller's call. Arg: URL.
repair_single_node() {
  local url="$1" yellow red
  yellow="$(curl -fsS --max-time 10 "$url/_cat/indices?health=yellow&h=index&expand_wildcards=all" 2>/dev/null | tr -d ' ' || true)"
  for index in $yellow; do
    log "leftover index $index wants replicas a single node cannot hold (yellow): setting number_of_replicas 0"
    curl -fsS --max-time 30 -X PUT "$url/$index/_settings" -H 'Content-Type: application/json' \
      -d '{"index":{"auto_expand_replicas":"false","number_of_replicas":0}}' >/dev/null \
      || log "could not change $index; delete it if it is not needed: curl -X DELETE $url/$index"
  done
  red="$(curl -fsS --max-time 10 "$url/_cat/indices?health=red&h=index&expand_wildcards=all" 2>/dev/null | tr -d ' ' || true)"
  for index in $red; do
    log "index $index is red (a primary cannot be allocated, e.g. data left by another node);"
    log "  delete it if it is not needed (curl -X DELETE $url/$index) or restart with PLANSTORE_ES_RESET=1"
  done
}

# An index named like the read model's alias (plans) blocks the alias: planstore's
# projector and query-api refuse to start until it is gone. Only reported here: it may
# hold something someone wants. Arg: URL.
report_leftovers() {
  local url="$1" line
  line="$(curl -fsS --max-time 10 "$url/_cat/indices/plans?h=index,docs.count&expand_wildcards=all" 2>/dev/null \
    | awk '$1 == "plans"' || true)"
  [ -z "$line" ] || log "WARNING: an index named 'plans' ($(echo "$line" | awk '{print $2}') document(s)) is in the way of the read model's alias 'plans'; planstore refuses to start until it is deleted: curl -X DELETE $url/plans (then 'planstore replay' rebuilds the read model)"
}
