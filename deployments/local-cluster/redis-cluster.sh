#!/usr/bin/env bash
# A local Redis Cluster for planstore: 3 masters with a replica each, on loopback,
# without Docker (redis-server and redis-cli 7 on the PATH). See deployments/README.md.
#
#   redis-cluster.sh start          start the 6 nodes (and form the cluster the first time);
#                                   prints planstore's --redis-url as its last line
#   redis-cluster.sh stop           stop every node, keep the data
#   redis-cluster.sh reset          stop and wipe the data
#   redis-cluster.sh kill PORT      kill -9 one node (a crash)
#   redis-cluster.sh restart PORT   start that node again; it rejoins (as a replica if
#                                   it was failed over)
#   redis-cluster.sh masters        the ports of the current masters, one a line
#   redis-cluster.sh wait-ok        wait until every live node reports cluster_state:ok,
#                                   every slot is served and every replica is in sync
#
# PLANSTORE_REDIS_CLUSTER_DIR   state (default <repo>/.cache/redis-cluster): <port>/redis.conf,
#                               redis.pid, redis.log, nodes.conf and the AOF per node
# PLANSTORE_REDIS_CLUSTER_PORT  first port (default 7001): nodes on PORT..PORT+5, cluster
#                               bus on PORT+10000..
# PLANSTORE_REDIS_CLUSTER_WAIT  seconds wait-ok (and start) wait at most (default 60)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${PLANSTORE_REDIS_CLUSTER_DIR:-$repo/.cache/redis-cluster}
first=${PLANSTORE_REDIS_CLUSTER_PORT:-7001}
wait_limit=${PLANSTORE_REDIS_CLUSTER_WAIT:-60}
nodes=6
replicas=1
# A master that stops answering is failed over after about this long (plus an election
# of about a second): short for a local fault harness; production uses 5000-15000.
node_timeout_ms=2000

ports() { seq "$first" $((first + nodes - 1)); }
say() { echo "redis-cluster: $*" >&2; }
die() { say "$*"; exit 1; }
cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }

need_tools() {
	command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"
	command -v redis-cli >/dev/null || die "redis-cli is not installed (apt-get install redis-tools)"
}

check_port() {
	if ! [[ $1 =~ ^[0-9]+$ ]] || (($1 < first || $1 >= first + nodes)); then
		die "port $1 is not a node of this cluster ($(ports | paste -sd' '))"
	fi
}

pid_of() { cat "$dir/$1/redis.pid" 2>/dev/null || true; }

alive() {
	local pid
	pid=$(pid_of "$1")
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

write_conf() {
	local port=$1 d=$dir/$1
	mkdir -p "$d"
	[[ -f $d/redis.conf ]] && return
	cat >"$d/redis.conf" <<CONF
port $port
bind 127.0.0.1
cluster-port $((port + 10000))
daemonize yes
pidfile $d/redis.pid
logfile $d/redis.log
dir $d
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout $node_timeout_ms
# The event log is the truth: AOF on, fsynced every second; no RDB snapshots needed.
appendonly yes
appendfsync everysec
save ""
# Never evict: an evicted key is a lost event or ownership record.
maxmemory-policy noeviction
CONF
}

start_node() {
	local port=$1
	if alive "$port"; then
		return
	fi
	write_conf "$port"
	rm -f "$dir/$port/redis.pid"
	redis-server "$dir/$port/redis.conf"
	# Up means our own process answers: another server on the port would answer too.
	local deadline=$((SECONDS + 15))
	until alive "$port" && cli "$port" ping >/dev/null 2>&1; do
		((SECONDS < deadline)) || die "node $port did not start (port taken?); see $dir/$port/redis.log"
		sleep 0.1
	done
}

formed() { cli "$first" cluster info 2>/dev/null | grep -q '^cluster_slots_assigned:16384'; }

# not_ok prints why the cluster is not ready yet, or nothing.
not_ok() {
	local port info repl live=0
	for port in $(ports); do
		alive "$port" || continue
		live=$((live + 1))
		info=$(cli "$port" cluster info 2>&1) || { echo "$port: $info"; return; }
		grep -q '^cluster_state:ok' <<<"$info" || { echo "$port: cluster_state not ok"; return; }
		grep -q '^cluster_slots_ok:16384' <<<"$info" || { echo "$port: not every slot is served"; return; }
		repl=$(cli "$port" info replication 2>&1) || { echo "$port: $repl"; return; }
		if grep -q '^role:slave' <<<"$repl" && ! grep -q '^master_link_status:up' <<<"$repl"; then
			echo "$port: replica not in sync with its master"
			return
		fi
	done
	((live > 0)) || echo "no node is running"
}

wait_ok() {
	local deadline=$((SECONDS + wait_limit)) why
	while why=$(not_ok) && [[ -n $why ]]; do
		((SECONDS < deadline)) || die "not ready after ${wait_limit}s: $why"
		sleep 0.2
	done
}

url() {
	echo "redis://127.0.0.1:$first,127.0.0.1:$((first + 1)),127.0.0.1:$((first + 2))"
}

cmd_start() {
	need_tools
	local port
	for port in $(ports); do start_node "$port"; done
	if ! formed; then
		local addrs=()
		for port in $(ports); do addrs+=("127.0.0.1:$port"); done
		say "forming the cluster: $((nodes / (replicas + 1))) masters with $replicas replica(s) each"
		redis-cli --cluster create "${addrs[@]}" --cluster-replicas "$replicas" --cluster-yes >&2
	fi
	wait_ok
	say "ready; state in $dir (give planstore --relay-lease-ttl 15s or more: a failover takes ~4 s)"
	url
}

stop_node() {
	local port=$1 pid
	pid=$(pid_of "$port")
	alive "$port" || return 0
	kill -TERM "$pid" # SHUTDOWN: fsyncs the AOF
	local deadline=$((SECONDS + 30))
	while kill -0 "$pid" 2>/dev/null; do
		((SECONDS < deadline)) || { say "node $port ignores SIGTERM; killing it"; kill -9 "$pid"; }
		sleep 0.1
	done
}

cmd_stop() {
	local port
	for port in $(ports); do stop_node "$port"; done
}

cmd_masters() {
	local port
	for port in $(ports); do
		alive "$port" || continue
		# CLUSTER NODES: id addr:port@bus flags master ping pong epoch link slots...
		if cli "$port" cluster nodes 2>/dev/null |
			awk '$3 ~ /master/ && $3 !~ /fail/ && NF > 8 { split($2, a, "@"); n = split(a[1], b, ":"); print b[n] }' | sort -n; then
			return
		fi
	done
	die "no live node answers"
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
reset)
	cmd_stop
	rm -rf "$dir"
	;;
kill)
	[[ $# -eq 2 ]] || die "usage: $0 kill PORT"
	check_port "$2"
	alive "$2" || die "node $2 is not running"
	kill -9 "$(pid_of "$2")"
	;;
restart)
	[[ $# -eq 2 ]] || die "usage: $0 restart PORT"
	check_port "$2"
	need_tools
	[[ -f $dir/$2/redis.conf ]] || die "node $2 was never started (run start first)"
	start_node "$2"
	;;
masters) cmd_masters ;;
wait-ok) wait_ok ;;
*) die "usage: $0 start|stop|reset|kill PORT|restart PORT|masters|wait-ok" ;;
esac
