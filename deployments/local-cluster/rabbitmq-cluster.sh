#!/usr/bin/env bash
# A RabbitMQ cluster of several nodes on this host, for fault tests and local runs: no
# Docker, Debian's rabbitmq-server (3.10). Each node has its own node name
# (pscluster-<amqp port>@localhost), AMQP port, Erlang distribution port (AMQP port +
# 20000), data, logs and pid file under the state dir, and no plugins (so no management
# port). The nodes share the Erlang cookie of Debian's broker (/var/lib/rabbitmq), so
# `rabbitmqctl -n pscluster-5701@localhost ...` works from the usual wrapper too.
#
#   rabbitmq-cluster.sh start         start every node, cluster nodes 2..N with node 1,
#                                     print the AMQP URLs (comma-separated) as the last
#                                     line of stdout; idempotent
#   rabbitmq-cluster.sh stop          stop every node (the data stays)
#   rabbitmq-cluster.sh reset         stop every node and wipe the state dir
#   rabbitmq-cluster.sh stop-node I   stop node I (1-based) gracefully
#   rabbitmq-cluster.sh start-node I  start node I again; it rejoins the cluster
#   rabbitmq-cluster.sh kill-node I   kill -9 node I's Erlang VM
#   rabbitmq-cluster.sh status        which nodes run, and the cluster as node 1 sees it
#   rabbitmq-cluster.sh urls          print the AMQP URLs
#   rabbitmq-cluster.sh ctl ARGS...   rabbitmqctl ARGS on the first node that answers
#
# Environment: PLANSTORE_RMQ_CLUSTER_DIR (state dir, default <repo>/.cache/rabbitmq-cluster),
# PLANSTORE_RMQ_CLUSTER_PORT (node 1's AMQP port, default 5701; node I listens on
# port+I-1), PLANSTORE_RMQ_CLUSTER_NODES (default 3).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=${PLANSTORE_RMQ_CLUSTER_DIR:-$repo/.cache/rabbitmq-cluster}
first_port=${PLANSTORE_RMQ_CLUSTER_PORT:-5701}
nodes=${PLANSTORE_RMQ_CLUSTER_NODES:-3}
sbin=${RABBITMQ_SBIN:-/usr/lib/rabbitmq/lib/rabbitmq_server-3.10.8/sbin}
[[ -x $sbin/rabbitmq-server ]] || sbin=$(dirname "$(readlink -f /usr/lib/rabbitmq/bin/rabbitmq-server 2>/dev/null || echo /nonexistent/x)")
start_timeout=${PLANSTORE_RMQ_CLUSTER_START_TIMEOUT:-180}

log() { printf '%s rabbitmq-cluster: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "$*"; exit 1; }

[[ $first_port =~ ^[0-9]+$ && $nodes =~ ^[0-9]+$ && $nodes -ge 1 ]] || die "PLANSTORE_RMQ_CLUSTER_PORT and PLANSTORE_RMQ_CLUSTER_NODES must be numbers"
[[ -x $sbin/rabbitmq-server ]] || die "rabbitmq-server not found (apt-get install rabbitmq-server, or set RABBITMQ_SBIN)"

port() { echo $((first_port + $1 - 1)); }
node() { echo "pscluster-$(port "$1")@localhost"; }
ndir() { echo "$dir/node$(port "$1")"; }

check_index() {
  [[ ${1:-} =~ ^[0-9]+$ && $1 -ge 1 && $1 -le $nodes ]] || die "node index must be 1..$nodes, got '${1:-}'"
}

# The CLI tools find the cookie in $HOME. Their own (short-lived) distribution ports
# stay out of the default range (35672-35682) that every other rabbitmqctl on the host
# uses, in 25780-25799 unless RABBITMQ_CTL_DIST_PORT_MIN/MAX say otherwise.
ctl_port_min=${RABBITMQ_CTL_DIST_PORT_MIN:-25780}
ctl_port_max=${RABBITMQ_CTL_DIST_PORT_MAX:-25799}
cli_env() {
  export HOME="$dir/home"
  export RABBITMQ_CTL_DIST_PORT_MIN=$ctl_port_min RABBITMQ_CTL_DIST_PORT_MAX=$ctl_port_max
}

ctl() { (cli_env; "$sbin/rabbitmqctl" -q "$@"); }

prepare() {
  mkdir -p "$dir/home"
  local cookie="$dir/home/.erlang.cookie"
  if [[ ! -s $cookie ]]; then
    if [[ -r /var/lib/rabbitmq/.erlang.cookie ]]; then
      cp /var/lib/rabbitmq/.erlang.cookie "$cookie"
    else
      head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F >"$cookie"
    fi
    chmod 400 "$cookie"
  fi
  [[ -s $dir/enabled_plugins ]] || echo '[].' >"$dir/enabled_plugins"
}

pid_of() {
  local f
  f="$(ndir "$1")/pid"
  [[ -s $f ]] || return 1
  local pid
  pid=$(<"$f")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

answers() { ctl -n "$(node "$1")" eval 'ok.' >/dev/null 2>&1; }

running() { ctl -n "$(node "$1")" await_startup --timeout 1 >/dev/null 2>&1; }

launch() {
  local i=$1 d p
  d=$(ndir "$i")
  p=$(port "$i")
  if pid_of "$i" >/dev/null; then
    return 0
  fi
  mkdir -p "$d/mnesia" "$d/log"
  rm -f "$d/pid"
  cat >"$d/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$p
loopback_users.guest = true
# A node cut off from the majority stops serving rather than accept writes the
# majority does not see.
cluster_partition_handling = pause_minority
log.file.level = info
log.console = false
EOF
  log "starting $(node "$i") (AMQP $p, distribution $((p + 20000)))"
  (
    export HOME="$dir/home"
    export RABBITMQ_NODENAME
    RABBITMQ_NODENAME=$(node "$i")
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$p RABBITMQ_DIST_PORT=$((p + 20000))
    export RABBITMQ_MNESIA_BASE="$d/mnesia" RABBITMQ_LOG_BASE="$d/log" RABBITMQ_PID_FILE="$d/pid"
    export RABBITMQ_CONFIG_FILE="$d/rabbitmq.conf"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONF_ENV_FILE=/dev/null
    # Two cores shared with everything else: fewer schedulers start faster and idle
    # quieter.
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="+S 2:2 +sbwt none +sbwtdcpu none +sbwtdio none"
    cd "$d"
    setsid nohup "$sbin/rabbitmq-server" >"$d/log/stdout.log" 2>&1 </dev/null &
  )
}

# await I: until node I's RabbitMQ application runs.
await() {
  local i=$1 deadline=$((SECONDS + start_timeout))
  while ! running "$i"; do
    if ((SECONDS > deadline)); then
      tail -n 30 "$(ndir "$i")/log/stdout.log" >&2 || true
      die "$(node "$i") did not start within ${start_timeout}s; logs in $(ndir "$i")/log"
    fi
    sleep 0.5
  done
}

cluster_size_seen_by() { ctl -n "$(node "$1")" eval 'length(rabbit_nodes:all_running()).' 2>/dev/null || echo 0; }

member() { ctl -n "$(node "$1")" eval 'rabbit_nodes:all().' 2>/dev/null | grep -q "'$(node 1)'"; }

join() {
  local i=$1
  if member "$i"; then
    return 0
  fi
  log "joining $(node "$i") to $(node 1)"
  ctl -n "$(node "$i")" stop_app >&2
  ctl -n "$(node "$i")" reset >&2
  ctl -n "$(node "$i")" join_cluster "$(node 1)" >&2
  ctl -n "$(node "$i")" start_app >&2
}

urls() {
  local i out=()
  for ((i = 1; i <= nodes; i++)); do out+=("amqp://guest:guest@127.0.0.1:$(port "$i")/"); done
  (IFS=,; echo "${out[*]}")
}

cmd_start() {
  local began=$SECONDS i
  prepare
  for ((i = 1; i <= nodes; i++)); do launch "$i"; done
  for ((i = 1; i <= nodes; i++)); do await "$i"; done
  for ((i = 2; i <= nodes; i++)); do join "$i"; done
  local deadline=$((SECONDS + start_timeout))
  while [[ $(cluster_size_seen_by 1) != "$nodes" ]]; do
    ((SECONDS < deadline)) || die "cluster did not reach $nodes running nodes: $(ctl -n "$(node 1)" cluster_status 2>&1 || true)"
    sleep 0.5
  done
  for ((i = 1; i <= nodes; i++)); do
    ctl -n "$(node "$i")" authenticate_user guest guest >/dev/null || die "guest cannot log in on $(node "$i")"
    (exec 3<>"/dev/tcp/127.0.0.1/$(port "$i")") 2>/dev/null || die "$(node "$i") does not listen on $(port "$i")"
  done
  log "$nodes nodes running and clustered in $((SECONDS - began))s"
  urls
}

stop_one() {
  local i=$1 pid
  pid=$(pid_of "$i") || return 0
  log "stopping $(node "$i")"
  ctl -n "$(node "$i")" stop >/dev/null 2>&1 || true
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS > deadline)); then
      log "$(node "$i") did not stop within 60s; killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
    sleep 0.2
  done
  rm -f "$(ndir "$i")/pid"
}

cmd_stop() {
  local i
  for ((i = nodes; i >= 1; i--)); do stop_one "$i"; done
}

cmd_status() {
  local i pid
  for ((i = 1; i <= nodes; i++)); do
    if pid=$(pid_of "$i") && running "$i"; then
      echo "node $i $(node "$i") amqp://guest:guest@127.0.0.1:$(port "$i")/ running (pid $pid)"
    elif pid=$(pid_of "$i"); then
      echo "node $i $(node "$i") amqp://guest:guest@127.0.0.1:$(port "$i")/ vm up, app not running (pid $pid)"
    else
      echo "node $i $(node "$i") amqp://guest:guest@127.0.0.1:$(port "$i")/ stopped"
    fi
  done
  for ((i = 1; i <= nodes; i++)); do
    if answers "$i"; then
      ctl -n "$(node "$i")" cluster_status
      return 0
    fi
  done
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
reset)
  cmd_stop
  rm -rf "$dir"
  ;;
stop-node)
  check_index "${2:-}"
  stop_one "$2"
  ;;
start-node)
  check_index "${2:-}"
  prepare
  began=$SECONDS
  launch "$2"
  await "$2"
  log "$(node "$2") running in $((SECONDS - began))s"
  ;;
kill-node)
  check_index "${2:-}"
  if pid=$(pid_of "$2"); then
    log "kill -9 $(node "$2") (pid $pid)"
    kill -9 "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  ;;
status) cmd_status ;;
urls) urls ;;
ctl)
  shift
  for ((i = 1; i <= nodes; i++)); do
    if answers "$i"; then
      ctl -n "$(node "$i")" "$@"
      exit
    fi
  done
  die "no node answers"
  ;;
*)
  sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
  ;;
esac
