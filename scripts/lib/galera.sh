# A Galera cluster on loopback, without systemd: N MariaDB nodes with
# Debian's galera-4, each with its own data directory, socket and ports
# (mysqld, gmcast.listen_addr, ist.recv_addr, the rsync SST), under
# $TICK_VAR_DIR/galera/. Sourced after scripts/lib/stack.sh, whose pid list
# (stack_track, stack_stop) stops every node with the rest of the stack.
# Used by tests/cluster/run.
#
# Inputs: TICK_VAR_DIR, GALERA_NODES (3), GALERA_PROVIDER
# (/usr/lib/galera/libgalera_smm.so).

: "${GALERA_NODES:=3}" "${GALERA_PROVIDER:=/usr/lib/galera/libgalera_smm.so}"

galera_log() { echo "galera: $*" >&2; }

galera_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Picks the ports of every node once: GALERA_PORT_n (SQL), GALERA_GM_n
# (group communication), GALERA_IST_n, GALERA_SST_n.
galera_ports() {
	n=1
	while [ "$n" -le "$GALERA_NODES" ]; do
		for k in PORT GM IST SST; do
			eval "GALERA_${k}_$n=$(galera_free_port)"
		done
		n=$((n + 1))
	done
	GALERA_ADDRESS=gcomm://
	n=1
	sep=""
	while [ "$n" -le "$GALERA_NODES" ]; do
		eval "GALERA_ADDRESS=\$GALERA_ADDRESS\${sep}127.0.0.1:\$GALERA_GM_$n"
		sep=,
		n=$((n + 1))
	done
}

galera_sock() { echo "$TICK_VAR_DIR/db/node$1.sock"; }

# Runs SQL $2 on node $1 as the owner (socket authentication).
galera_sql() {
	mariadb --no-defaults --socket="$(galera_sock "$1")" -u"$(id -un)" -N -B -e "$2"
}

# A node's wsrep status variable $2 (empty when it does not answer).
galera_status() {
	galera_sql "$1" "SHOW STATUS LIKE '$2'" 2>/dev/null | cut -f2
}

# Starts node $1: "new" bootstraps the cluster (--wsrep-new-cluster),
# "join" joins it (SST by rsync into an empty data directory, IST when the
# directory is there), "restart" as join, recorded in the place of the
# node that died. Returns once the node's SQL port answers (bounded).
galera_start() {
	n=$1
	how=$2
	d=$TICK_VAR_DIR/galera/node$n
	user=$(id -un)
	eval "port=\$GALERA_PORT_$n gm=\$GALERA_GM_$n ist=\$GALERA_IST_$n sst=\$GALERA_SST_$n"
	mkdir -p "$d" "$TICK_VAR_DIR/tmp/node$n" && chmod 700 "$d" || return 1
	if [ "$how" = new ] && [ ! -d "$d/mysql" ]; then
		TMPDIR=$TICK_VAR_DIR/tmp mariadb-install-db --no-defaults --user="$user" --datadir="$d" \
			--auth-root-authentication-method=socket --skip-test-db \
			>"$TICK_VAR_DIR/log/node$n-install.log" 2>&1 ||
			{ cat "$TICK_VAR_DIR/log/node$n-install.log" >&2; return 1; }
	fi
	galera_rsync_wrapper || return 1
	new=""
	[ "$how" = new ] && new=--wsrep-new-cluster
	touch "$TICK_VAR_DIR/log/node$n.log" && chmod 640 "$TICK_VAR_DIR/log/node$n.log"
	# The provider options: every port on loopback; a gcache large enough
	# that a node back within the test catches up by IST.
	PATH=$TICK_VAR_DIR/galera/bin:$PATH UMASK=0640 UMASK_DIR=0750 mariadbd --no-defaults --user="$user" --datadir="$d" \
		--socket="$(galera_sock "$n")" --port="$port" --bind-address=127.0.0.1 \
		--tmpdir="$TICK_VAR_DIR/tmp/node$n" --pid-file="$TICK_VAR_DIR/run/node$n.pid" \
		--log-error="$TICK_VAR_DIR/log/node$n.log" --innodb-buffer-pool-size=64M \
		--innodb-log-file-size=48M --innodb-flush-log-at-trx-commit=2 \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		--max-connections=300 --skip-name-resolve \
		--binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
		--log-bin-trust-function-creators=1 \
		--wsrep-on=ON --wsrep-provider="$GALERA_PROVIDER" --wsrep-cluster-name=tick-test \
		--wsrep-cluster-address="$GALERA_ADDRESS" --wsrep-node-name="node$n" \
		--wsrep-node-address="127.0.0.1:$gm" --wsrep-node-incoming-address="127.0.0.1:$port" \
		--wsrep-sst-method=tickrsync --wsrep-sst-receive-address="127.0.0.1:$sst" \
		--wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$gm;ist.recv_addr=127.0.0.1:$ist;gcache.size=128M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT6S;pc.wait_prim_timeout=PT10S" \
		$new >/dev/null 2>&1 &
	if [ "$how" = restart ]; then stack_retrack "node$n" $!; else stack_track "node$n" $!; fi
	pid=$!
	# An SST copies the whole data directory: allow it a minute.
	stack_wait "! kill -0 $pid || galera_sql $n 'SELECT 1'" 600 && kill -0 "$pid" ||
		{ galera_log "node $n did not start; see $TICK_VAR_DIR/log/node$n.log"; tail -20 "$TICK_VAR_DIR/log/node$n.log" >&2; return 1; }
}

# The rsync SST runs an rsync daemon on the joiner, which as root drops to
# nobody, who may not enter the private data directory: as root, the
# daemon keeps the server's user (rsync's -M). The server puts its own bin
# directory first on the SST script's PATH, so the method is one of ours,
# wsrep_sst_tickrsync: Debian's wsrep_sst_rsync with this rsync first.
galera_rsync_wrapper() {
	b=$TICK_VAR_DIR/galera/bin
	[ -x "$b/wsrep_sst_tickrsync" ] && return 0
	mkdir -p "$b" || return 1
	real=$(command -v rsync) || { galera_log "no rsync: install Debian's rsync"; return 1; }
	sst=$(command -v wsrep_sst_rsync) || { galera_log "no wsrep_sst_rsync: install Debian's mariadb-server"; return 1; }
	{
		echo '#!/bin/sh'
		echo 'case " $* " in'
		echo "*\" --daemon \"*) [ \"\$(id -u)\" = 0 ] && exec $real \"\$@\" -M uid=0 -M gid=0 ;;"
		echo 'esac'
		echo "exec $real \"\$@\""
	} >"$b/rsync" &&
		{
			echo '#!/bin/sh'
			echo "PATH=$b:\$PATH exec $sst \"\$@\""
		} >"$b/wsrep_sst_tickrsync" && chmod 750 "$b/rsync" "$b/wsrep_sst_tickrsync"
}

# Waits up to $2 tenths of a second until node $1 is synced in a cluster
# of $3 nodes.
galera_wait_synced() {
	stack_wait "[ \"\$(galera_status $1 wsrep_cluster_size)\" = $3 ] &&
		[ \"\$(galera_status $1 wsrep_local_state_comment)\" = Synced ] &&
		[ \"\$(galera_status $1 wsrep_ready)\" = ON ]" "$2"
}

# Kills node $1 with SIGKILL, as a host that loses power.
galera_kill() {
	pid=$(stack_pid "node$1")
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	stack_wait "! kill -0 $pid" 100
}

# The whole cluster: node 1 bootstraps, the others join one by one (each
# SST from a synced donor), then every node sees all of them.
galera_cluster() {
	galera_ports
	mkdir -p "$TICK_VAR_DIR/galera" && chmod 700 "$TICK_VAR_DIR/galera" || return 1
	galera_start 1 new || return 1
	galera_wait_synced 1 300 1 || { galera_log "node 1 did not bootstrap"; return 1; }
	# What joiners copy by SST: no anonymous user, the database, the time
	# zone tables (MyISAM/Aria: not replicated, copied with the files).
	galera_sql 1 "DELETE FROM mysql.global_priv WHERE User='';
		DROP DATABASE IF EXISTS test; FLUSH PRIVILEGES;
		CREATE DATABASE IF NOT EXISTS tick CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" ||
		return 1
	if [ -d /usr/share/zoneinfo ]; then
		mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null |
			mariadb --no-defaults --socket="$(galera_sock 1)" -u"$(id -un)" mysql ||
			{ galera_log "cannot load the time zone tables"; return 1; }
	fi
	n=2
	while [ "$n" -le "$GALERA_NODES" ]; do
		# A first SST now and then fails on a busy machine (the donor
		# gives up on the joiner's request): the joiner starts over
		# from an empty directory, three times at most.
		try=1
		how=join
		until galera_start "$n" "$how" && galera_wait_synced "$n" 600 "$n"; do
			[ "$try" -ge 3 ] && { galera_log "node $n did not join"; return 1; }
			galera_log "node $n did not join; again ($try)"
			galera_kill "$n"
			rm -rf "$TICK_VAR_DIR/galera/node$n"
			try=$((try + 1))
			how=restart
		done
		n=$((n + 1))
	done
	galera_wait_synced 1 300 "$GALERA_NODES"
}
