# The whole desk on one machine, without systemd: a private MariaDB, the
# responders (standalone, pre-forking), nginx with TLS. Sourced by
# scripts/run, tests/integration/run and tests/bench/run.
#
# Inputs (environment): TICK_SRCDIR, TICK_BUILDDIR, TICK_VAR_DIR,
# TICK_HTTPS_PORT, TICK_HTTP_PORT, TICK_WORKERS, TICK_WEBHOOK_RATE.
# Everything it starts is recorded in $TICK_VAR_DIR/pids and stopped by
# stack_stop.

: "${TICK_HTTPS_PORT:=8443}" "${TICK_HTTP_PORT:=8080}" "${TICK_WORKERS:=2}"
# Each open panel holds one events worker while its stream lasts.
: "${TICK_EVENTS_WORKERS:=16}"
: "${TICK_WEBHOOK_RATE:=200}" "${TICK_LOGIN_RATE:=30r/m}" "${TICK_API_RATE:=50r/s}"
TICK_RESPONDERS="webhook health auth tickets events"

stack_log() { echo "tick: $*" >&2; }

stack_dirs() {
	# tmp/: MariaDB's own, so that two stacks never share temporary files.
	mkdir -p "$TICK_VAR_DIR"/run "$TICK_VAR_DIR"/log "$TICK_VAR_DIR"/nginx "$TICK_VAR_DIR"/tls \
		"$TICK_VAR_DIR"/tmp
	# nginx workers run as nobody when started by root: they must reach
	# the sockets (the path must be traversable).
	chmod 755 "$TICK_VAR_DIR" "$TICK_VAR_DIR"/run
	d=$TICK_VAR_DIR
	while [ "$d" != / ] && [ -n "$d" ]; do
		[ -O "$d" ] && chmod o+x "$d" 2>/dev/null
		d=$(dirname "$d")
	done
	: >> "$TICK_VAR_DIR/pids"
}

stack_track() { echo "$1 $2" >> "$TICK_VAR_DIR/pids"; }

# Waits up to $2 tenths of a second for command $1 to succeed.
stack_wait() {
	i=0
	while ! eval "$1" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -ge "$2" ] && return 1
		sleep 0.1
	done
}

stack_mariadb() {
	data=$TICK_VAR_DIR/mariadb
	sock=$TICK_VAR_DIR/mariadb.sock
	user=$(id -un)
	if [ ! -d "$data/mysql" ]; then
		stack_log "creating a private MariaDB in $data"
		TMPDIR=$TICK_VAR_DIR/tmp mariadb-install-db --no-defaults --user="$user" --datadir="$data" \
			--auth-root-authentication-method=socket >"$TICK_VAR_DIR/log/mariadb-install.log" 2>&1 ||
			{ cat "$TICK_VAR_DIR/log/mariadb-install.log" >&2; return 1; }
	fi
	mariadbd --no-defaults --user="$user" --datadir="$data" --socket="$sock" \
		--tmpdir="$TICK_VAR_DIR/tmp" \
		--skip-networking --pid-file="$TICK_VAR_DIR/run/mariadb.pid" \
		--log-error="$TICK_VAR_DIR/log/mariadb.log" --innodb-buffer-pool-size=256M \
		--innodb-flush-log-at-trx-commit=${TICK_DB_FLUSH:-1} \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		--max-connections=500 >/dev/null 2>&1 &
	stack_track mariadb $!
	stack_wait "mariadb --no-defaults --socket='$sock' -u'$user' -e 'SELECT 1'" 300 ||
		{ stack_log "MariaDB did not start; see $TICK_VAR_DIR/log/mariadb.log"; return 1; }
	mariadb --no-defaults --socket="$sock" -u"$user" \
		-e "CREATE DATABASE IF NOT EXISTS tick CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
	# The private server is the database here, whatever DB_* said.
	export DB_SOCKET="$sock" DB_NAME=tick DB_USER="$user" DB_HOST=localhost
	unset DB_PASSWORD DB_PORT
}

stack_cert() {
	tls=$TICK_VAR_DIR/tls
	[ -s "$tls/cert.pem" ] && return 0
	openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=localhost" \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
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
	for r in $TICK_RESPONDERS; do
		w=$TICK_WORKERS
		[ "$r" = events ] && w=$TICK_EVENTS_WORKERS
		"$TICK_BUILDDIR/cgi-bin/$r.fcgi" --listen "unix:$TICK_VAR_DIR/run/$r.sock" \
			--workers "$w" >>"$TICK_VAR_DIR/log/$r.log" 2>&1 &
		stack_track "$r" $!
	done
	for r in $TICK_RESPONDERS; do
		stack_wait "[ -S '$TICK_VAR_DIR/run/$r.sock' ]" 100 ||
			{ stack_log "$r did not start; see $TICK_VAR_DIR/log/$r.log"; return 1; }
	done
}

stack_nginx() {
	conf=$TICK_VAR_DIR/nginx/tick.conf
	sed -e "s|@VAR@|$TICK_VAR_DIR|g" -e "s|@SRC@|$TICK_SRCDIR|g" \
		-e "s|@HTTPS_PORT@|$TICK_HTTPS_PORT|g" -e "s|@HTTP_PORT@|$TICK_HTTP_PORT|g" \
		-e "s|@WEBHOOK_RATE@|$TICK_WEBHOOK_RATE|g" -e "s|@LOGIN_RATE@|$TICK_LOGIN_RATE|g" \
		-e "s|@API_RATE@|$TICK_API_RATE|g" \
		"$TICK_SRCDIR/nginx/tick.conf.in" > "$conf"
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
