# The whole desk on one machine, without systemd: a private MariaDB, the
# responders (standalone, pre-forking), nginx with TLS. Sourced by
# scripts/run, tests/integration/run and tests/bench/run.
#
# Inputs (environment): TICK_SRCDIR, TICK_BUILDDIR, TICK_VAR_DIR,
# TICK_HTTPS_PORT, TICK_HTTP_PORT, TICK_WORKERS, TICK_WEBHOOK_RATE,
# TICK_SERVER_NAME (the redirect's target, localhost), METRICS_ALLOW
# (addresses or CIDRs besides loopback that may GET /metrics), TICK_NGINX_SED
# (one more sed script over nginx's configuration: tests/cluster/run puts
# two responder hosts in each upstream), TICK_DB_ARGS (more options for
# mariadbd: tests/faults/run puts every temporary table on disk),
# TICK_SOCKET_GROUP
# (as root: the group of the sockets and nginx's workers, tick-web, made
# when missing; else the user's group), TICK_NGINX_USER (as root, nobody).
# Everything it starts is recorded in $TICK_VAR_DIR/pids and stopped by
# stack_stop.
#
# Privacy: files it makes are 0640 or 0600 (umask 027); the state directory
# is 0710 and run/ 0750 in TICK_SOCKET_GROUP, the responders' sockets 0660
# in that group, so only the desk and nginx's workers reach them; log/ is
# 0750 and MariaDB's socket in db/ (0700) reaches the desk's user alone.

: "${TICK_HTTPS_PORT:=8443}" "${TICK_HTTP_PORT:=8080}" "${TICK_WORKERS:=2}"
# Each open panel holds one events worker while its stream lasts.
: "${TICK_EVENTS_WORKERS:=16}"
: "${TICK_WEBHOOK_RATE:=200}" "${TICK_LOGIN_RATE:=30r/m}" "${TICK_API_RATE:=50r/s}"
: "${TICK_SERVER_NAME:=localhost}"
TICK_RESPONDERS="webhook health auth tickets events reports"

stack_log() { echo "tick: $*" >&2; }

# The group of the sockets, which nginx's workers hold: as root a group of
# its own (nobody else's files are in it), else the user's.
stack_socket_group() {
	if [ "$(id -u)" = 0 ]; then
		: "${TICK_SOCKET_GROUP:=tick-web}" "${TICK_NGINX_USER:=nobody}"
		getent group "$TICK_SOCKET_GROUP" >/dev/null 2>&1 ||
			groupadd --system "$TICK_SOCKET_GROUP" ||
			{ stack_log "cannot create the group $TICK_SOCKET_GROUP"; return 1; }
		TICK_NGINX_USER_LINE="user $TICK_NGINX_USER $TICK_SOCKET_GROUP;"
	else
		: "${TICK_SOCKET_GROUP:=$(id -gn)}"
		TICK_NGINX_USER_LINE="# not root: nginx's workers run as $(id -un)"
	fi
	export TICK_SOCKET_GROUP
}

stack_dirs() {
	# What the stack writes (logs, pids, keys) is no one else's to read.
	umask 027
	stack_socket_group || return 1
	# tmp/: MariaDB's own, so that two stacks never share temporary files.
	# db/: MariaDB's socket, which takes no mode of its own (0777).
	mkdir -p "$TICK_VAR_DIR"/run "$TICK_VAR_DIR"/metrics "$TICK_VAR_DIR"/log "$TICK_VAR_DIR"/nginx "$TICK_VAR_DIR"/tls \
		"$TICK_VAR_DIR"/tmp "$TICK_VAR_DIR"/db
	# nginx's workers pass through the state directory to run/ and nginx/
	# (its temporary files); nobody else enters it.
	chgrp "$TICK_SOCKET_GROUP" "$TICK_VAR_DIR" "$TICK_VAR_DIR"/run "$TICK_VAR_DIR"/nginx &&
		chmod 710 "$TICK_VAR_DIR" "$TICK_VAR_DIR"/nginx && chmod 750 "$TICK_VAR_DIR"/run &&
		chmod 750 "$TICK_VAR_DIR"/log "$TICK_VAR_DIR"/metrics && chmod 700 "$TICK_VAR_DIR"/tls "$TICK_VAR_DIR"/tmp "$TICK_VAR_DIR"/db ||
		{ stack_log "cannot set the modes of $TICK_VAR_DIR"; return 1; }
	# Logs of an earlier run, made before they were private.
	find "$TICK_VAR_DIR"/log -type f -exec chmod o-rwx,g-wx {} + 2>/dev/null
	# The directories above must let nginx's workers through.
	d=$(dirname "$TICK_VAR_DIR")
	while [ "$d" != / ] && [ -n "$d" ]; do
		[ -O "$d" ] && chmod o+x "$d" 2>/dev/null
		d=$(dirname "$d")
	done
	: >> "$TICK_VAR_DIR/pids"
}

stack_track() { echo "$1 $2" >> "$TICK_VAR_DIR/pids"; }

# Records $2 as the new process of part $1, in the place of its old one.
stack_retrack() {
	awk -v n="$1" -v p="$2" '$1 == n { $2 = p } { print }' "$TICK_VAR_DIR/pids" >"$TICK_VAR_DIR/pids.new" &&
		mv "$TICK_VAR_DIR/pids.new" "$TICK_VAR_DIR/pids"
}

# The pid recorded for part $1.
stack_pid() { awk -v n="$1" '$1 == n { p = $2 } END { print p }' "$TICK_VAR_DIR/pids" 2>/dev/null; }

# Waits up to $2 tenths of a second for command $1 to succeed.
stack_wait() {
	i=0
	while ! eval "$1" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -ge "$2" ] && return 1
		sleep 0.1
	done
}

# Starts mariadbd on the private data directory; $1 "restart" records it in
# the place of the one that died.
stack_mariadbd() {
	data=$TICK_VAR_DIR/mariadb
	sock=$TICK_VAR_DIR/db/mariadb.sock
	user=$(id -un)
	# MariaDB makes its files 0660 unless UMASK says otherwise; its log is
	# the desk's alone (it names users and queries).
	touch "$TICK_VAR_DIR/log/mariadb.log" && chmod 640 "$TICK_VAR_DIR/log/mariadb.log"
	UMASK=0640 UMASK_DIR=0750 mariadbd --no-defaults --user="$user" --datadir="$data" --socket="$sock" \
		--tmpdir="$TICK_VAR_DIR/tmp" \
		--skip-networking --pid-file="$TICK_VAR_DIR/run/mariadb.pid" \
		--log-error="$TICK_VAR_DIR/log/mariadb.log" --innodb-buffer-pool-size=256M \
		--innodb-flush-log-at-trx-commit=${TICK_DB_FLUSH:-1} \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		--max-connections=500 ${TICK_DB_ARGS:-} >/dev/null 2>&1 &
	if [ "${1:-}" = restart ]; then stack_retrack mariadb $!; else stack_track mariadb $!; fi
	# Crash recovery after a hard stop can take a while.
	stack_wait "mariadb --no-defaults --socket='$sock' -u'$user' -e 'SELECT 1'" 600 ||
		{ stack_log "MariaDB did not start; see $TICK_VAR_DIR/log/mariadb.log"; return 1; }
}

stack_mariadb() {
	data=$TICK_VAR_DIR/mariadb
	user=$(id -un)
	if [ ! -d "$data/mysql" ]; then
		stack_log "creating a private MariaDB in $data"
		TMPDIR=$TICK_VAR_DIR/tmp mariadb-install-db --no-defaults --user="$user" --datadir="$data" \
			--auth-root-authentication-method=socket --skip-test-db \
			>"$TICK_VAR_DIR/log/mariadb-install.log" 2>&1 ||
			{ cat "$TICK_VAR_DIR/log/mariadb-install.log" >&2; return 1; }
	fi
	chmod 700 "$data"
	stack_mariadbd || return 1
	# No anonymous account and no test database, whenever the data
	# directory was made (as mysql_secure_installation does).
	mariadb --no-defaults --socket="$sock" -u"$user" -e "DELETE FROM mysql.global_priv WHERE User='';
		DROP DATABASE IF EXISTS test; DELETE FROM mysql.db WHERE Db='test' OR Db LIKE 'test\\_%';
		FLUSH PRIVILEGES;
		CREATE DATABASE IF NOT EXISTS tick CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" ||
		{ stack_log "cannot secure the private MariaDB"; return 1; }
	stack_timezones || return 1
	# The private server is the database here, whatever DB_* said.
	export DB_SOCKET="$sock" DB_NAME=tick DB_USER="$user" DB_HOST=localhost
	unset DB_PASSWORD DB_PORT
}

# MariaDB's time zone tables, from the system's zoneinfo, so that reports
# count days in a named zone (CONVERT_TZ); loaded once, when empty.
stack_timezones() {
	n=$(mariadb --no-defaults --socket="$sock" -u"$user" -N -e "SELECT COUNT(*) FROM mysql.time_zone_name") ||
		{ stack_log "cannot read MariaDB's time zone tables"; return 1; }
	[ "$n" != 0 ] && return 0
	[ -d /usr/share/zoneinfo ] || { stack_log "no /usr/share/zoneinfo: install tzdata"; return 1; }
	mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null |
		mariadb --no-defaults --socket="$sock" -u"$user" mysql ||
		{ stack_log "cannot load the time zone tables (mariadb-tzinfo-to-sql)"; return 1; }
}

stack_cert() {
	tls=$TICK_VAR_DIR/tls
	[ -s "$tls/cert.pem" ] && return 0
	san=DNS:localhost,IP:127.0.0.1
	[ "$TICK_SERVER_NAME" = localhost ] || san="DNS:$TICK_SERVER_NAME,$san"
	openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=$TICK_SERVER_NAME" \
		-addext "subjectAltName=$san" \
		-keyout "$tls/key.pem" -out "$tls/cert.pem" >/dev/null 2>&1
	chmod 600 "$tls/key.pem"
}

stack_migrate() {
	"$TICK_BUILDDIR/cli/tick" migrate
}

# The key that signs sessions: JWT_SECRET when given, else one made once
# and kept under the state directory.
stack_secret() {
	if [ -z "${JWT_SECRET:-}" ]; then
		f=$TICK_VAR_DIR/jwt_secret
		[ -s "$f" ] || (umask 077 && openssl rand -hex 32 > "$f")
		JWT_SECRET=$(cat "$f")
	fi
	export JWT_SECRET
}

# The first super_admin, from DEFAULT_ADMIN_EMAIL and DEFAULT_ADMIN_PASSWORD
# or with a generated password printed once; nothing when one exists.
stack_admin() {
	TICK_ADMIN_NOTE=$("$TICK_BUILDDIR/cli/tick" user ensure-admin) || return 1
	[ -z "$TICK_ADMIN_NOTE" ] || echo "$TICK_ADMIN_NOTE" >&2
}

stack_responders() {
	# Each pool's shared counters (GET /metrics sums them).
	export METRICS_DIR="$TICK_VAR_DIR/metrics"
	for r in $TICK_RESPONDERS; do
		w=$TICK_WORKERS
		[ "$r" = events ] && w=$TICK_EVENTS_WORKERS
		"$TICK_BUILDDIR/cgi-bin/$r.fcgi" --listen "unix:$TICK_VAR_DIR/run/$r.sock" \
			--socket-group "$TICK_SOCKET_GROUP" --workers "$w" >>"$TICK_VAR_DIR/log/$r.log" 2>&1 &
		stack_track "$r" $!
	done
	for r in $TICK_RESPONDERS; do
		stack_wait "[ -S '$TICK_VAR_DIR/run/$r.sock' ]" 100 ||
			{ stack_log "$r did not start; see $TICK_VAR_DIR/log/$r.log"; return 1; }
	done
}

# METRICS_ALLOW (commas or spaces between addresses or CIDRs) as nginx's
# "allow" lines, in TICK_METRICS_ALLOW_LINES; nothing else may get through.
stack_metrics_allow() {
	TICK_METRICS_ALLOW_LINES=$(printf '%s\n' "${METRICS_ALLOW:-}" | tr ', ' '\n\n' | awk '
		NF == 0 { next }
		$0 !~ /^[0-9A-Fa-f.:]+(\/[0-9]+)?$/ { print "tick: METRICS_ALLOW: not an address or CIDR: " $0 > "/dev/stderr"; exit 1 }
		{ printf " allow %s;", $0 }') || return 1
}

stack_nginx() {
	conf=$TICK_VAR_DIR/nginx/tick.conf
	stack_metrics_allow || return 1
	# A host name, nothing that could write nginx's configuration.
	case $TICK_SERVER_NAME in
	"" | *[!A-Za-z0-9.-]*) stack_log "TICK_SERVER_NAME: not a host name: $TICK_SERVER_NAME"; return 1 ;;
	esac
	sed -e "s|@VAR@|$TICK_VAR_DIR|g" -e "s|@SRC@|$TICK_SRCDIR|g" \
		-e "s|@SERVER_NAME@|$TICK_SERVER_NAME|g" -e "s|@USER_LINE@|$TICK_NGINX_USER_LINE|g" \
		-e "s|@HTTPS_PORT@|$TICK_HTTPS_PORT|g" -e "s|@HTTP_PORT@|$TICK_HTTP_PORT|g" \
		-e "s|@WEBHOOK_RATE@|$TICK_WEBHOOK_RATE|g" -e "s|@LOGIN_RATE@|$TICK_LOGIN_RATE|g" \
		-e "s|@API_RATE@|$TICK_API_RATE|g" -e "s|@METRICS_ALLOW@|$TICK_METRICS_ALLOW_LINES|g" \
		-e "${TICK_NGINX_SED:-}" "$TICK_SRCDIR/nginx/tick.conf.in" > "$conf"
	nginx -t -q -p "$TICK_VAR_DIR/nginx" -c "$conf" 2>"$TICK_VAR_DIR/log/nginx-test.log" ||
		{ cat "$TICK_VAR_DIR/log/nginx-test.log" >&2; return 1; }
	nginx -p "$TICK_VAR_DIR/nginx" -c "$conf" -g 'daemon off;' 2>>"$TICK_VAR_DIR/log/nginx-error.log" &
	stack_track nginx $!
	stack_wait "curl -sk -o /dev/null https://127.0.0.1:$TICK_HTTPS_PORT/api/ping" 100 ||
		{ stack_log "nginx did not start; see $TICK_VAR_DIR/log/nginx-error.log"; return 1; }
}

# Stops what this stack started, newest first.
stack_stop() {
	[ -f "$TICK_VAR_DIR/pids" ] || return 0
	tac "$TICK_VAR_DIR/pids" | while read -r name pid; do
		kill -TERM "$pid" 2>/dev/null || continue
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
	rm -f "$TICK_VAR_DIR/pids"
}

stack_start() {
	stack_dirs && stack_mariadb && stack_cert && stack_migrate >/dev/null &&
		stack_secret && stack_admin && stack_responders && stack_nginx
}
