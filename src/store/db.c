#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "metrics.h"
#include "valid.h"

/* Statements kept prepared per connection; past it a statement is
 * prepared for its run and closed after it. */
#define CACHE_MAX 256

struct tick_db {
	const struct tick_config *cfg;
	MYSQL *conn;
	int in_tx;
	int read;              /* connects to DB_READ_HOST (tick_db_new_read) */
	unsigned long commits; /* COMMITs that succeeded */
	unsigned long deadlocks; /* statements that failed with a deadlock */
	int doomed;    /* a deadlock rolled the open transaction back */
	int connected; /* a connection was made before: the next one is a
	                * reconnect (counted in the metrics) */
	struct {
		const char *sql;
		MYSQL_STMT *st;
	} cache[CACHE_MAX];
	size_t ncache;
};

enum db_stmt {
	DB_BEGIN,
	DB_COMMIT,
	DB_ROLLBACK,
	DB_MIG_TABLE,
	DB_MIG_LOCK,
	DB_MIG_UNLOCK,
	DB_MIG_GUARD_TABLE,
	DB_MIG_GUARD_TAKE,
	DB_MIG_GUARD_STALE,
	DB_MIG_GUARD_DROP,
	DB_MIG_HAS,
	DB_MIG_RECORD,
	DB_MIG_VERSION,
	DB_STMT__MAX
};

static const char *const stmts[DB_STMT__MAX] = {
	[DB_BEGIN] = "START TRANSACTION",
	[DB_COMMIT] = "COMMIT",
	[DB_ROLLBACK] = "ROLLBACK",
	[DB_MIG_TABLE] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version INT UNSIGNED NOT NULL PRIMARY KEY,"
	    " name VARCHAR(128) NOT NULL,"
	    " applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
	[DB_MIG_LOCK] = "SELECT GET_LOCK('tick_migrate', 60)",
	[DB_MIG_UNLOCK] = "SELECT RELEASE_LOCK('tick_migrate')",
	/*
	 * The cluster-wide guard (GET_LOCK is one node's on Galera): one row,
	 * taken by an INSERT that only one host can commit, since the cluster
	 * rejects the other's (duplicate key, or a certification conflict
	 * seen as a deadlock); the loser waits and tries again.
	 */
	[DB_MIG_GUARD_TABLE] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations_guard ("
	    " id TINYINT UNSIGNED NOT NULL PRIMARY KEY,"
	    " holder VARCHAR(128) NOT NULL,"
	    " taken_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
	[DB_MIG_GUARD_TAKE] =
	    "INSERT INTO schema_migrations_guard (id, holder) VALUES (1, ?)",
	/* A holder that died (kill -9, a lost host) leaves its row: it is
	 * taken over once it is older than any migration runs. */
	[DB_MIG_GUARD_STALE] = "DELETE FROM schema_migrations_guard WHERE id = 1"
	                       " AND taken_at < NOW(3) - INTERVAL ? SECOND",
	[DB_MIG_GUARD_DROP] =
	    "DELETE FROM schema_migrations_guard WHERE id = 1 AND holder = ?",
	[DB_MIG_HAS] = "SELECT 1 FROM schema_migrations WHERE version = ?",
	[DB_MIG_RECORD] =
	    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
	[DB_MIG_VERSION] =
	    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
};

struct tick_db *
tick_db_new(const struct tick_config *cfg)
{
	struct tick_db *db = calloc(1, sizeof(*db));

	if (db != NULL)
		db->cfg = cfg;
	return db;
}

struct tick_db *
tick_db_new_read(const struct tick_config *cfg)
{
	struct tick_db *db = tick_db_new(cfg);

	if (db != NULL)
		db->read = 1;
	return db;
}

static void
disconnect(struct tick_db *db)
{
	for (size_t i = 0; i < db->ncache; i++)
		mysql_stmt_close(db->cache[i].st);
	db->ncache = 0;
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_tx = 0;
}

void
tick_db_free(struct tick_db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	free(db);
}

int
tick_db_in_tx(const struct tick_db *db)
{
	return db != NULL && db->in_tx;
}

const char *
tick_db_error(struct tick_db *db)
{
	return db->conn ? mysql_error(db->conn) : "not connected";
}

enum tick_err
tick_db_connect(struct tick_db *db)
{
	const struct tick_config *c = db->cfg;
	unsigned int connect_to = 3, io_to = 15;
	const char *host = tick_config_get(c, TICK_CFG_DB_HOST);
	long long port = tick_config_num(c, TICK_CFG_DB_PORT);
	/* READ COMMITTED: locking reads lock the rows they find and no gaps,
	 * so two new customers never deadlock on an index range; where order
	 * matters a row lock (the contact, the ticket) gives it. */
	const char *init =
	    "SET time_zone = '+00:00', sql_mode = "
	    "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO',"
	    " tx_isolation = 'READ-COMMITTED'";
	MYSQL *m;

	if (db->conn != NULL)
		return TICK_OK;
	if (db->read && tick_config_get(c, TICK_CFG_DB_READ_HOST) != NULL) {
		host = tick_config_get(c, TICK_CFG_DB_READ_HOST);
		if (tick_config_num(c, TICK_CFG_DB_READ_PORT) > 0)
			port = tick_config_num(c, TICK_CFG_DB_READ_PORT);
	}
	if ((m = mysql_init(NULL)) == NULL)
		return TICK_ENOMEM;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_to);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io_to);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io_to);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(m, MYSQL_INIT_COMMAND, init);
	if (mysql_real_connect(m, host, tick_config_get(c, TICK_CFG_DB_USER),
	        tick_config_get(c, TICK_CFG_DB_PASSWORD),
	        tick_config_get(c, TICK_CFG_DB_NAME), (unsigned)port,
	        tick_config_get(c, TICK_CFG_DB_SOCKET), 0) == NULL) {
		tick_log_err("%s: %s%s", __func__,
		    db->read ? "read host: " : "", mysql_error(m));
		mysql_close(m);
		return TICK_EDB;
	}
	db->conn = m;
	if (db->connected)
		tick_metrics_add(TICK_METRIC_DB_RECONNECTS, 1);
	db->connected = 1;
	return TICK_OK;
}

/* True for errors after which the connection is gone. */
static int
lost(unsigned int e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	    e == ER_CONNECTION_KILLED || e == ER_SERVER_SHUTDOWN ||
	    e == CR_COMMANDS_OUT_OF_SYNC || e == ER_UNKNOWN_STMT_HANDLER;
}

int
tick_db_error_passes(unsigned int errnum)
{
	switch (errnum) {
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
	case ER_UNKNOWN_COM_ERROR: /* 1047: the node is not ready */
	case ER_DISK_FULL:
	case ER_ERROR_ON_WRITE:
	case ER_RECORD_FILE_FULL:
	case ER_OUTOFMEMORY:
	case ER_OUT_OF_SORTMEMORY:
	case ER_OUT_OF_RESOURCES: return 1;
	default: return 0;
	}
}

/* *own is set when the statement did not fit the cache: the caller closes
 * it after its run. */
static MYSQL_STMT *
prepare(struct tick_db *db, const char *sql, unsigned int *errnum, int *own)
{
	MYSQL_STMT *st;

	*errnum = 0;
	*own = 0;
	for (size_t i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql)
			return db->cache[i].st;
	if ((st = mysql_stmt_init(db->conn)) == NULL) {
		*errnum = mysql_errno(db->conn);
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		*errnum = mysql_stmt_errno(st);
		tick_log_err("%s: %s: %.80s", __func__, mysql_stmt_error(st),
		    sql);
		mysql_stmt_close(st);
		return NULL;
	}
	if (db->ncache < CACHE_MAX) {
		db->cache[db->ncache].sql = sql;
		db->cache[db->ncache].st = st;
		db->ncache++;
	} else {
		tick_log_warn("%s: statement cache full", __func__);
		*own = 1;
	}
	return st;
}

void
tick_q_init(struct tick_q *q, struct tick_db *db, const char *sql)
{
	memset(q, 0, sizeof(*q));
	q->db = db;
	q->sql = sql;
}

void
tick_q_unbuffered(struct tick_q *q)
{
	q->unbuffered = 1;
}

enum tick_err
tick_like_pattern(const char *q, int lead, int trail, char *out, size_t outsz)
{
	size_t o = 0;

	if (outsz < 3)
		return TICK_ETOOBIG;
	if (lead)
		out[o++] = '%';
	for (; *q != '\0'; q++) {
		if (o + 4 > outsz) {
			out[0] = '\0';
			return TICK_ETOOBIG;
		}
		if (*q == '%' || *q == '_' || *q == '\\')
			out[o++] = '\\';
		out[o++] = *q;
	}
	if (trail)
		out[o++] = '%';
	out[o] = '\0';
	return TICK_OK;
}

void
tick_sql_add(struct tick_sql *s, const char *literal)
{
	size_t n = strlen(literal);

	if (s->overflow || s->len + n + 1 > sizeof(s->text)) {
		s->overflow = 1;
		return;
	}
	memcpy(s->text + s->len, literal, n + 1);
	s->len += n;
}

void
tick_q_init_built(struct tick_q *q, struct tick_db *db,
    const struct tick_sql *s)
{
	tick_q_init(q, db, s->text);
	q->once = 1;
	if (s->overflow)
		q->err = TICK_ETOOBIG;
}

static MYSQL_BIND *
next_in(struct tick_q *q)
{
	MYSQL_BIND *b;

	if (q->nin >= TICK_Q_MAX) {
		q->err = TICK_EINVAL;
		return NULL;
	}
	b = &q->in[q->nin];
	memset(b, 0, sizeof(*b));
	return b;
}

void
tick_q_str(struct tick_q *q, const char *s, size_t len)
{
	MYSQL_BIND *b = next_in(q);

	if (b == NULL)
		return;
	if (s == NULL) {
		q->innull[q->nin] = 1;
		b->buffer_type = MYSQL_TYPE_NULL;
		b->is_null = &q->innull[q->nin];
	} else {
		q->inlen[q->nin] = len == (size_t)-1 ? strlen(s) : len;
		b->buffer_type = MYSQL_TYPE_STRING;
		b->buffer = (void *)(uintptr_t)s;
		b->buffer_length = q->inlen[q->nin];
		b->length = &q->inlen[q->nin];
	}
	q->nin++;
}

void
tick_q_blob(struct tick_q *q, const void *data, size_t len)
{
	MYSQL_BIND *b = next_in(q);

	if (b == NULL)
		return;
	q->inlen[q->nin] = len;
	b->buffer_type = MYSQL_TYPE_BLOB;
	b->buffer = (void *)(uintptr_t)data;
	b->buffer_length = len;
	b->length = &q->inlen[q->nin];
	q->nin++;
}

void
tick_q_int(struct tick_q *q, long long v)
{
	MYSQL_BIND *b = next_in(q);

	if (b == NULL)
		return;
	q->inint[q->nin] = v;
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = &q->inint[q->nin];
	q->nin++;
}

void
tick_q_null(struct tick_q *q)
{
	tick_q_str(q, NULL, 0);
}

void
tick_q_opt_int(struct tick_q *q, long long v)
{
	if (v > 0)
		tick_q_int(q, v);
	else
		tick_q_null(q);
}

void
tick_q_opt_str(struct tick_q *q, const char *s)
{
	tick_q_str(q, s != NULL && *s != '\0' ? s : NULL, (size_t)-1);
}

void
tick_q_out_str(struct tick_q *q, char *buf, size_t cap)
{
	MYSQL_BIND *b;

	if (q->nout >= TICK_Q_MAX || cap == 0) {
		q->err = TICK_EINVAL;
		return;
	}
	b = &q->out[q->nout];
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = buf;
	b->buffer_length = cap - 1;
	b->length = &q->outlen[q->nout];
	b->is_null = &q->outnull[q->nout];
	b->error = &q->outerr[q->nout];
	buf[0] = '\0';
	q->nout++;
}

void
tick_q_out_int(struct tick_q *q, long long *v)
{
	MYSQL_BIND *b;

	if (q->nout >= TICK_Q_MAX) {
		q->err = TICK_EINVAL;
		return;
	}
	b = &q->out[q->nout];
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
	b->is_null = &q->outnull[q->nout];
	b->error = &q->outerr[q->nout];
	*v = 0;
	q->nout++;
}

/*
 * A deadlock rolls the whole transaction back, at once: the statements a
 * caller might still run (one that ignores a failure) would each commit
 * alone, and the COMMIT would succeed with nothing in it. So the
 * transaction is doomed, and its COMMIT fails.
 */
static void
deadlocked(struct tick_db *db)
{
	db->deadlocks++;
	if (db->in_tx)
		db->doomed = 1;
}

/*
 * A statement that could not be prepared. On Galera, a transaction that
 * another node's write aborted (a brute-force abort) learns it at its next
 * command, which may be a prepare: that is a deadlock like any other, and
 * the transaction is run again. A node out of the primary component
 * answers 1047 until it is back: busy, not broken.
 */
static enum tick_err
prepare_failed(struct tick_db *db, unsigned int errnum)
{
	if (errnum == ER_LOCK_DEADLOCK) {
		deadlocked(db);
		return TICK_EBUSY;
	}
	return tick_db_error_passes(errnum) ? TICK_EBUSY : TICK_EDB;
}

/* One attempt: prepare (cached), bind, execute, store. */
static enum tick_err
attempt(struct tick_q *q, unsigned int *errnum)
{
	struct tick_db *db = q->db;

	*errnum = 0;
	if (tick_db_connect(db) != TICK_OK) {
		*errnum = CR_CONNECTION_ERROR;
		return TICK_EDB;
	}
	if (q->once) {
		if (q->st == NULL &&
		    (q->st = mysql_stmt_init(db->conn)) == NULL)
			return TICK_ENOMEM;
		if (mysql_stmt_prepare(q->st, q->sql, strlen(q->sql)) != 0) {
			*errnum = mysql_stmt_errno(q->st);
			tick_log_err("%s: %s: %.200s", __func__,
			    mysql_stmt_error(q->st), q->sql);
			mysql_stmt_close(q->st);
			q->st = NULL;
			return prepare_failed(db, *errnum);
		}
	} else if ((q->st = prepare(db, q->sql, errnum, &q->once)) == NULL)
		return prepare_failed(db, *errnum);
	if (mysql_stmt_param_count(q->st) != (unsigned long)q->nin) {
		tick_log_err("%s: %d parameters bound, %lu expected: %.80s",
		    __func__, q->nin, mysql_stmt_param_count(q->st), q->sql);
		return TICK_EINVAL;
	}
	if ((q->nin > 0 && mysql_stmt_bind_param(q->st, q->in) != 0) ||
	    mysql_stmt_execute(q->st) != 0)
		goto fail;
	if (q->nout > 0) {
		/* Unbuffered: rows come from the server as they are fetched,
		 * so a long result never sits in the worker's memory. */
		if (mysql_stmt_bind_result(q->st, q->out) != 0 ||
		    (!q->unbuffered && mysql_stmt_store_result(q->st) != 0))
			goto fail;
		q->stored = 1;
	} else if (mysql_stmt_field_count(q->st) > 0) {
		/* A result nobody reads must still be drained. */
		if (mysql_stmt_store_result(q->st) != 0)
			goto fail;
		mysql_stmt_free_result(q->st);
	}
	return TICK_OK;
fail:
	*errnum = mysql_stmt_errno(q->st);
	if (*errnum == ER_DUP_ENTRY)
		return TICK_ECONFLICT;
	if (*errnum == ER_LOCK_DEADLOCK || *errnum == ER_LOCK_WAIT_TIMEOUT) {
		/* On Galera a certification conflict (another node's
		 * transaction won) comes as a deadlock too, often at COMMIT. */
		if (*errnum == ER_LOCK_DEADLOCK)
			deadlocked(q->db);
		tick_log_warn("%s: %s; the transaction is run again", __func__,
		    mysql_stmt_error(q->st));
		return TICK_EBUSY;
	}
	tick_log_err("%s: %u %s: %.80s", __func__, *errnum,
	    mysql_stmt_error(q->st), q->sql);
	/* 1047 on Galera: the node is out of the primary component ("WSREP
	 * has not yet prepared node for application use"); a full tmpdir or
	 * disk: both pass, and what failed for them is tried again later. */
	return tick_db_error_passes(*errnum) ? TICK_EBUSY : TICK_EDB;
}

/*
 * Fault injection for the tests (tests/integration/test_faults.py):
 * TICK_FAULT_STMT=N makes the Nth statement this process runs fail as a
 * server error would, once. ROLLBACK is never failed: it is what a failure
 * runs.
 */
static int
inject_fault(const struct tick_q *q)
{
	static long long at = -1, n;
	static int read;

	if (!read) {
		const char *e = getenv("TICK_FAULT_STMT");

		read = 1;
		if (e == NULL ||
		    tick_valid_num(e, strlen(e), 1, 1000000, &at) != TICK_OK)
			at = -1;
	}
	if (at < 0 || q->sql == stmts[DB_ROLLBACK] || ++n != at)
		return 0;
	tick_log_warn("%s: statement %lld failed on purpose: %.60s", __func__,
	    n, q->sql);
	return 1;
}

enum tick_err
tick_q_exec(struct tick_q *q)
{
	unsigned int errnum;
	enum tick_err rc;

	if (q->err != TICK_OK)
		return q->err;
	if (inject_fault(q))
		return TICK_EDB;
	rc = attempt(q, &errnum);
	if (rc == TICK_EDB && lost(errnum)) {
		int was_tx = q->db->in_tx;

		/* The connection is gone; inside a transaction the work is lost
		 * with it, so the caller must start over. */
		disconnect(q->db);
		if (q->once && q->st != NULL) {
			mysql_stmt_close(q->st);
			q->st = NULL;
		}
		if (!was_tx) {
			tick_log_info("%s: reconnecting to the database",
			    __func__);
			rc = attempt(q, &errnum);
		}
	}
	return rc;
}

/* The length of the longest prefix of buf[0..n) that ends on a UTF-8
 * character boundary. */
static size_t
utf8_floor(const unsigned char *buf, size_t n)
{
	size_t j = n, need;

	while (j > 0 && (buf[j - 1] & 0xc0) == 0x80)
		j--;
	if (j == 0)
		return 0;
	need = buf[j - 1] < 0x80        ? 1 :
	    (buf[j - 1] & 0xe0) == 0xc0 ? 2 :
	    (buf[j - 1] & 0xf0) == 0xe0 ? 3 :
	                                  4;
	return j - 1 + need <= n ? n : j - 1;
}

/*
 * A fetched value was longer than its buffer. Text is cut on a character
 * boundary (a buffer sized too small must never fail a whole list); bytes
 * (binary columns) and numbers cannot be cut, so the fetch fails.
 */
static int
truncated(struct tick_q *q)
{
	MYSQL_RES *meta = NULL;
	MYSQL_FIELD *fields = NULL;
	int rc = 0;

	for (int i = 0; i < q->nout; i++) {
		unsigned char *buf;
		size_t cut;

		if (!q->outerr[i])
			continue;
		if (q->out[i].buffer_type != MYSQL_TYPE_STRING) {
			rc = -1;
			break;
		}
		if (meta == NULL &&
		    (meta = mysql_stmt_result_metadata(q->st)) != NULL)
			fields = mysql_fetch_fields(meta);
		if (fields == NULL || fields[i].charsetnr == 63) {
			tick_log_err("%s: column %d longer than %lu bytes: %.60s",
			    __func__, i, q->out[i].buffer_length, q->sql);
			rc = -1;
			break;
		}
		buf = q->out[i].buffer;
		cut = utf8_floor(buf, q->out[i].buffer_length);
		tick_log_warn("%s: column %d (%lu bytes) cut to %zu: %.60s",
		    __func__, i, q->outlen[i], cut, q->sql);
		q->outlen[i] = cut;
		q->outerr[i] = 0;
	}
	if (meta != NULL)
		mysql_free_result(meta);
	return rc;
}

int
tick_q_fetch(struct tick_q *q)
{
	int r;

	if (!q->stored)
		return -1;
	r = mysql_stmt_fetch(q->st);
	if (r == MYSQL_NO_DATA)
		return 0;
	if (r == 1) {
		tick_log_err("%s: %s", __func__, mysql_stmt_error(q->st));
		return -1;
	}
	if (r == MYSQL_DATA_TRUNCATED && truncated(q) != 0)
		return -1;
	for (int i = 0; i < q->nout; i++)
		if (q->out[i].buffer_type == MYSQL_TYPE_STRING) {
			char *buf = q->out[i].buffer;
			buf[q->outnull[i] ? 0 : q->outlen[i]] = '\0';
		}
	return 1;
}

unsigned long
tick_q_outlen(const struct tick_q *q, int i)
{
	return i >= 0 && i < q->nout && !q->outnull[i] ? q->outlen[i] : 0;
}

int
tick_q_isnull(const struct tick_q *q, int i)
{
	return i >= 0 && i < q->nout && q->outnull[i];
}

unsigned long long
tick_q_affected(const struct tick_q *q)
{
	return q->st ? mysql_stmt_affected_rows(q->st) : 0;
}

unsigned long long
tick_q_insert_id(const struct tick_q *q)
{
	return q->st ? mysql_stmt_insert_id(q->st) : 0;
}

enum tick_err
tick_db_ids(struct tick_db *db, const char *sql, long long max, long long **ids,
    long long *n)
{
	long long id = 0;
	enum tick_err rc;
	struct tick_q q;
	int r;

	*n = 0;
	if ((*ids = calloc((size_t)(max > 0 ? max : 1), sizeof(**ids))) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, sql);
	tick_q_int(&q, max);
	tick_q_out_int(&q, &id);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && *n < max && (r = tick_q_fetch(&q)) != 0) {
		if (r < 0)
			rc = TICK_EDB;
		else
			(*ids)[(*n)++] = id;
	}
	tick_q_done(&q);
	if (rc != TICK_OK) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return rc;
}

enum tick_err
tick_q_count(struct tick_q *q, long long *n)
{
	enum tick_err rc = tick_q_exec(q);

	*n = rc == TICK_OK ? (long long)tick_q_affected(q) : 0;
	tick_q_done(q);
	return rc;
}

int
tick_q_next(struct tick_q *q, enum tick_err *rc)
{
	int r;

	if (*rc != TICK_OK || (r = tick_q_fetch(q)) == 0)
		return 0;
	if (r < 0) {
		*rc = TICK_EDB;
		return 0;
	}
	return 1;
}

enum tick_err
tick_q_first(struct tick_q *q)
{
	enum tick_err rc;
	int r;

	if ((rc = tick_q_exec(q)) == TICK_OK) {
		r = tick_q_fetch(q);
		rc = r == 1 ? TICK_OK : r == 0 ? TICK_ENOTFOUND : TICK_EDB;
	}
	return rc;
}

enum tick_err
tick_q_one(struct tick_q *q)
{
	enum tick_err rc = tick_q_first(q);

	tick_q_done(q);
	return rc;
}

enum tick_err
tick_q_run(struct tick_q *q)
{
	enum tick_err rc = tick_q_exec(q);

	tick_q_done(q);
	return rc;
}

void
tick_q_done(struct tick_q *q)
{
	if (q->st != NULL && q->stored)
		mysql_stmt_free_result(q->st);
	q->stored = 0;
	if (q->once && q->st != NULL) {
		mysql_stmt_close(q->st);
		q->st = NULL;
	}
}

static enum tick_err
simple(struct tick_db *db, enum db_stmt s)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[s]);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_db_begin(struct tick_db *db)
{
	enum tick_err rc;

	if (db->in_tx) {
		tick_log_err("%s: nested transaction", __func__);
		return TICK_EDB;
	}
	db->doomed = 0;
	if ((rc = simple(db, DB_BEGIN)) == TICK_OK)
		db->in_tx = 1;
	return rc;
}

enum tick_err
tick_db_commit(struct tick_db *db)
{
	enum tick_err rc;

	/* A deadlock that a caller went past: what it stored is gone (on
	 * Galera, a write of another node's aborted it), so this is no
	 * commit but a deadlock, and the caller runs it again. */
	if (db->doomed && db->in_tx) {
		tick_log_warn("%s: the transaction met a deadlock; not"
		              " committed",
		    __func__);
		tick_db_rollback(db);
		db->doomed = 0;
		return TICK_EBUSY;
	}
	rc = simple(db, DB_COMMIT);
	db->in_tx = 0;
	if (rc == TICK_OK)
		db->commits++;
	return rc;
}

void
tick_db_rollback(struct tick_db *db)
{
	if (db->conn != NULL && db->in_tx) {
		struct tick_q q;

		/* Not through reconnect: a lost connection has rolled back. */
		db->in_tx = 1;
		tick_q_init(&q, db, stmts[DB_ROLLBACK]);
		(void)tick_q_exec(&q);
		tick_q_done(&q);
	}
	db->in_tx = 0;
}

unsigned long
tick_db_commits(const struct tick_db *db)
{
	return db->commits;
}

unsigned long
tick_db_deadlocks(const struct tick_db *db)
{
	return db->deadlocks;
}

/* Runs one statement that is not cached (migration text). */
static enum tick_err
run_once(struct tick_db *db, const char *sql, size_t len)
{
	MYSQL_STMT *st = mysql_stmt_init(db->conn);
	enum tick_err rc = TICK_EDB;

	if (st == NULL)
		return TICK_ENOMEM;
	if (mysql_stmt_prepare(st, sql, len) != 0 ||
	    mysql_stmt_execute(st) != 0) {
		tick_log_err("migrate: %s: %.*s", mysql_stmt_error(st),
		    (int)(len > 200 ? 200 : len), sql);
		goto out;
	}
	rc = TICK_OK;
out:
	mysql_stmt_close(st);
	return rc;
}

static enum tick_err
apply(struct tick_db *db, const struct tick_migration *m)
{
	const char *p = m->sql;

	while (*p != '\0') {
		const char *end = p, *semi = NULL;
		int blank = 1;

		/* A statement ends with ";" at the end of a line. */
		while (*end != '\0') {
			const char *nl = strchr(end, '\n');
			const char *eol = nl ? nl : end + strlen(end);
			const char *t = eol;

			while (t > end &&
			    (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
				t--;
			if (t > end && t[-1] == ';') {
				semi = t - 1;
				end = nl ? nl + 1 : eol;
				break;
			}
			end = nl ? nl + 1 : eol;
		}
		for (const char *c = p; c < (semi ? semi : end); c++) {
			if (*c == '-' && c[1] == '-') {
				while (c < end && *c != '\n')
					c++;
				continue;
			}
			if (*c != ' ' && *c != '\n' && *c != '\t' &&
			    *c != '\r') {
				blank = 0;
				break;
			}
		}
		if (!blank &&
		    run_once(db, p, (size_t)((semi ? semi : end) - p)) !=
		        TICK_OK)
			return TICK_EDB;
		p = end;
	}
	return TICK_OK;
}

/* This run's name in the guard row: host and process. */
static void
guard_holder(char *out, size_t outsz)
{
	char host[64] = "";

	if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if (snprintf(out, outsz, "%s:%ld", host, (long)getpid()) >= (int)outsz)
		out[outsz - 1] = '\0';
}

/*
 * Takes the cluster-wide migration guard, waiting up to
 * TICK_MIGRATE_WAIT_S for another host's run to end. Each statement
 * commits on its own (autocommit), so the row is there for every node
 * before the first migration starts.
 */
static enum tick_err
guard_take(struct tick_db *db, const char *holder)
{
	struct tick_q q;
	enum tick_err rc;
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	int tries = TICK_MIGRATE_WAIT_S * 5, said = 0;

	if ((rc = simple(db, DB_MIG_GUARD_TABLE)) != TICK_OK)
		return rc;
	for (int i = 0; i < tries; i++) {
		tick_q_init(&q, db, stmts[DB_MIG_GUARD_STALE]);
		tick_q_int(&q, TICK_MIGRATE_STALE_S);
		if ((rc = tick_q_run(&q)) != TICK_OK && rc != TICK_EBUSY)
			return rc;
		tick_q_init(&q, db, stmts[DB_MIG_GUARD_TAKE]);
		tick_q_str(&q, holder, (size_t)-1);
		rc = tick_q_run(&q);
		if (rc == TICK_OK)
			return TICK_OK;
		/* Taken (duplicate), or lost to another node's insert
		 * (certification conflict, seen as a deadlock). */
		if (rc != TICK_ECONFLICT && rc != TICK_EBUSY)
			return rc;
		if (!said++)
			tick_log_info("migrate: another host is migrating;"
			              " waiting up to %d s",
			    TICK_MIGRATE_WAIT_S);
		nanosleep(&pause, NULL);
	}
	tick_log_err("migrate: the guard stayed taken for %d s",
	    TICK_MIGRATE_WAIT_S);
	return TICK_ECONFLICT;
}

static void
guard_drop(struct tick_db *db, const char *holder)
{
	struct tick_q q;
	enum tick_err rc = TICK_EBUSY;
	struct timespec pause = { 0, 100 * 1000 * 1000 };

	/* A conflict with another node's write is tried again: a row left
	 * behind would hold every other host off until it goes stale. */
	for (int i = 0; i < 5 && rc == TICK_EBUSY; i++) {
		if (i > 0)
			nanosleep(&pause, NULL);
		tick_q_init(&q, db, stmts[DB_MIG_GUARD_DROP]);
		tick_q_str(&q, holder, (size_t)-1);
		rc = tick_q_run(&q);
	}
	if (rc != TICK_OK)
		tick_log_warn("migrate: could not drop the guard row; it goes"
		              " stale in %d s",
		    TICK_MIGRATE_STALE_S);
}

enum tick_err
tick_db_migrate(struct tick_db *db, const struct tick_migration *m, size_t n,
    int *applied)
{
	struct tick_q q;
	long long got = 0;
	enum tick_err rc;
	char holder[128];

	*applied = 0;
	guard_holder(holder, sizeof(holder));
	if ((rc = simple(db, DB_MIG_TABLE)) != TICK_OK)
		return rc;
	/* GET_LOCK serialises runs on one server; the guard row, across a
	 * cluster's nodes. */
	tick_q_init(&q, db, stmts[DB_MIG_LOCK]);
	tick_q_out_int(&q, &got);
	if ((rc = tick_q_exec(&q)) != TICK_OK || tick_q_fetch(&q) != 1 ||
	    got != 1) {
		tick_q_done(&q);
		tick_log_err("%s: another migration holds the lock", __func__);
		return rc != TICK_OK ? rc : TICK_ECONFLICT;
	}
	tick_q_done(&q);
	if ((rc = guard_take(db, holder)) != TICK_OK) {
		(void)simple(db, DB_MIG_UNLOCK);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		long long one = 0;
		int has;

		tick_q_init(&q, db, stmts[DB_MIG_HAS]);
		tick_q_int(&q, m[i].version);
		tick_q_out_int(&q, &one);
		if ((rc = tick_q_exec(&q)) != TICK_OK)
			break;
		has = tick_q_fetch(&q) == 1;
		tick_q_done(&q);
		if (has)
			continue;
		tick_log_info("migrate: applying %03d %s", m[i].version,
		    m[i].name);
		if ((rc = apply(db, &m[i])) != TICK_OK)
			break;
		tick_q_init(&q, db, stmts[DB_MIG_RECORD]);
		tick_q_int(&q, m[i].version);
		tick_q_str(&q, m[i].name, (size_t)-1);
		rc = tick_q_exec(&q);
		tick_q_done(&q);
		if (rc != TICK_OK)
			break;
		(*applied)++;
	}
	guard_drop(db, holder);
	(void)simple(db, DB_MIG_UNLOCK);
	return rc;
}

enum tick_err
tick_db_schema_version(struct tick_db *db, long long *version)
{
	struct tick_q q;
	enum tick_err rc;

	*version = 0;
	tick_q_init(&q, db, stmts[DB_MIG_VERSION]);
	tick_q_out_int(&q, version);
	if ((rc = tick_q_exec(&q)) == TICK_OK && tick_q_fetch(&q) != 1)
		rc = TICK_EDB;
	tick_q_done(&q);
	return rc;
}
