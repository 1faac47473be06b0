# The responder sets of tests/cluster/run, as two hosts would run them:
# every responder standalone on its own loopback port (--listen
# 127.0.0.1:PORT), set A talking to Galera node 1 and set B to node 2.
# Sourced by tests/cluster/run and tests/cluster/ctl after
# scripts/lib/stack.sh and scripts/lib/galera.sh.
#
# Inputs: CLUSTER_SETS ("A:1 B:2": set and node), SET_<S>_<responder>
# (its port), TICK_DB_PASSWORD (the tick user's), CLUSTER_READ_NODE (the
# node set A's reports read from), TICK_WORKERS.

: "${CLUSTER_SETS:=A:1 B:2}"

# The node set $1 talks to.
set_node() {
	for sn in $CLUSTER_SETS; do
		[ "${sn%%:*}" = "$1" ] && { echo "${sn#*:}"; return 0; }
	done
	return 1
}

# Runs command "$@" with set $1's database configuration (TCP to its node).
set_env() {
	s=$1
	shift
	n=$(set_node "$s") || return 1
	eval "p=\$GALERA_PORT_$n"
	env -u DB_SOCKET DB_HOST=127.0.0.1 DB_PORT="$p" DB_NAME=tick DB_USER=tick \
		DB_PASSWORD="$TICK_DB_PASSWORD" METRICS_DIR="$TICK_VAR_DIR/metrics-$s" "$@"
}

# Starts set $1's responders ("restart" as $2 records them in the place of
# the ones that died) and waits until each port answers.
set_start() {
	s=$1
	n=$(set_node "$s") || return 1
	eval "dbport=\$GALERA_PORT_$n"
	mkdir -p "$TICK_VAR_DIR/metrics-$s" || return 1
	for r in $TICK_RESPONDERS; do
		eval "port=\$SET_${s}_$r"
		read_env=""
		# Set A's reports read from another node (DB_READ_HOST).
		if [ "$s" = A ] && [ "$r" = reports ] && [ -n "${CLUSTER_READ_NODE:-}" ]; then
			eval "read_env=\"DB_READ_HOST=127.0.0.1 DB_READ_PORT=\$GALERA_PORT_$CLUSTER_READ_NODE\""
		fi
		# env execs the responder: $! is its pool's master, whose
		# workers set_kill finds by their parent.
		env -u DB_SOCKET DB_HOST=127.0.0.1 DB_PORT="$dbport" DB_NAME=tick DB_USER=tick \
			DB_PASSWORD="$TICK_DB_PASSWORD" METRICS_DIR="$TICK_VAR_DIR/metrics-$s" $read_env \
			"$TICK_BUILDDIR/cgi-bin/$r.fcgi" --listen "127.0.0.1:$port" \
			--workers "$TICK_WORKERS" >>"$TICK_VAR_DIR/log/set$s-$r.log" 2>&1 &
		if [ "${2:-}" = restart ]; then stack_retrack "set$s-$r" $!; else stack_track "set$s-$r" $!; fi
	done
	for r in $TICK_RESPONDERS; do
		eval "port=\$SET_${s}_$r"
		stack_wait "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", $port), 1).close()'" 100 ||
			{ stack_log "set $s: $r did not start; see $TICK_VAR_DIR/log/set$s-$r.log"; return 1; }
	done
}

# Kills set $1 with SIGKILL, every process of it (each pool's master and
# its workers at once, so that no master respawns a worker), as a host
# that loses power.
set_kill() {
	for r in $TICK_RESPONDERS; do
		pid=$(stack_pid "set$1-$r")
		[ -n "$pid" ] || continue
		kill -KILL "$pid" $(pgrep -P "$pid") 2>/dev/null
	done
	for r in $TICK_RESPONDERS; do
		pid=$(stack_pid "set$1-$r")
		[ -n "$pid" ] && stack_wait "! kill -0 $pid" 50
	done
	return 0
}

# The sed script that puts both sets' ports in each of nginx's upstreams:
# a set that does not answer is left for 2 s, and its requests go to the
# other set (nginx retries a refused connection on the next server).
set_nginx_sed() {
	out=""
	for r in $TICK_RESPONDERS; do
		servers=""
		for sn in $CLUSTER_SETS; do
			eval "port=\$SET_${sn%%:*}_$r"
			servers="$servers server 127.0.0.1:$port max_fails=1 fail_timeout=2s;"
		done
		out="${out}s|server unix:[^;]*/run/$r\\.sock;|$servers|;"
	done
	echo "$out"
}
