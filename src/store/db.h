/*
 * tick: MariaDB access. One connection per worker, opened lazily and
 * reopened after the server goes away; every statement is prepared once per
 * connection and cached by the address of its SQL text, so each module keeps
 * its SQL in one static table and passes stmts[X] here.
 */
#ifndef TICK_DB_H
#define TICK_DB_H

#include <stddef.h>

#include <mysql.h>

#include "err.h"

struct tick_config;
struct tick_db;

#define TICK_Q_MAX 128

/* A statement being bound, run and read. Lives on the caller's stack. */
struct tick_q {
	struct tick_db *db;
	const char *sql;
	MYSQL_STMT *st;
	enum tick_err err; /* sticky: the first failure while binding */
	int nin, nout, stored;
	int once; /* prepared for this run only (built SQL, or the cache was full) */
	int unbuffered; /* rows read from the server as fetched */
	MYSQL_BIND in[TICK_Q_MAX];
	unsigned long inlen[TICK_Q_MAX];
	my_bool innull[TICK_Q_MAX];
	long long inint[TICK_Q_MAX];
	MYSQL_BIND out[TICK_Q_MAX];
	unsigned long outlen[TICK_Q_MAX];
	my_bool outnull[TICK_Q_MAX];
	my_bool outerr[TICK_Q_MAX];
};

/* A new handle that has not connected yet; NULL on ENOMEM. cfg is borrowed
 * for the handle's life. */
struct tick_db *tick_db_new(const struct tick_config *cfg);
/* A handle for reads that may lag (reports, exports): it connects to
 * DB_READ_HOST and DB_READ_PORT (DB_PORT when unset), with DB_SOCKET,
 * DB_NAME and DB_USER as tick_db_new()'s; NULL on ENOMEM. */
struct tick_db *tick_db_new_read(const struct tick_config *cfg);
/* Closes the connection and frees the handle; NULL is a no-op. */
void tick_db_free(struct tick_db *db);

/* Connects when not connected. TICK_EDB when the server cannot be reached. */
enum tick_err tick_db_connect(struct tick_db *db);

/*
 * Whether server error errnum (mysqld_error.h) is one that passes, the
 * server's state and not the statement's: a deadlock or a lock wait, a
 * Galera node out of the primary component (1047), a full disk or tmpdir
 * (1021, 1026 errno 28 writing, 1114 a full temporary table), memory or
 * resources out (1037, 1038, 1041). Statements failing so answer
 * TICK_EBUSY: the webhook then answers 503 and Meta delivers again, never
 * a 200 for a message not stored.
 */
int tick_db_error_passes(unsigned int errnum);

/* Transactions. Begin reconnects first when the connection was lost. */
enum tick_err tick_db_begin(struct tick_db *db);
enum tick_err tick_db_commit(struct tick_db *db);
/* Rolls back; safe to call after any failure, even with no transaction. */
void tick_db_rollback(struct tick_db *db);

/* Counters over the handle's life, for a caller that runs a whole unit of
 * work again after a deadlock (serve.c): the COMMITs that succeeded, and
 * the statements that failed with a deadlock (1213; on Galera also a
 * certification conflict with another node). */
unsigned long tick_db_commits(const struct tick_db *db);
unsigned long tick_db_deadlocks(const struct tick_db *db);

/* True while a transaction is open on the connection. */
int tick_db_in_tx(const struct tick_db *db);

/* The server's last error text (borrowed) for logs. */
const char *tick_db_error(struct tick_db *db);

/* Starts a statement; sql must be a string with static storage. */
void tick_q_init(struct tick_q *q, struct tick_db *db, const char *sql);
/*
 * Reads the rows of the statement from the server as tick_q_fetch() asks
 * for them instead of storing them all at tick_q_exec(): memory stays flat
 * over a long result (an export). Until tick_q_done() the connection runs
 * no other statement. Call before tick_q_exec().
 */
void tick_q_unbuffered(struct tick_q *q);

/*
 * SQL assembled from constant fragments, for queries whose shape depends
 * on which optional filters are present (so each shape can use its index).
 * Only string literals are ever appended: values are always bound.
 */
struct tick_sql {
	char text[4096];
	size_t len;
	int overflow;
};

/* Appends a constant fragment. */
void tick_sql_add(struct tick_sql *s, const char *literal);

/*
 * q as a LIKE pattern with LIKE's own characters (%, _ and the escape \)
 * taken literally, "%" before it with lead and after it with trail.
 * TICK_ETOOBIG (out "") when it does not fit: size out as twice q's bytes
 * and three.
 */
enum tick_err
tick_like_pattern(const char *q, int lead, int trail, char *out, size_t outsz);

/* Starts a statement over built SQL: prepared for this run and closed by
 * tick_q_done(). TICK_ETOOBIG from tick_q_exec() when the SQL overflowed. */
void tick_q_init_built(struct tick_q *q, struct tick_db *db,
    const struct tick_sql *s);

/* Binds the next input: text (NULL s binds SQL NULL; len (size_t)-1 means
 * strlen), integer, or NULL. The data is borrowed until tick_q_exec(). */
void tick_q_str(struct tick_q *q, const char *s, size_t len);
void tick_q_int(struct tick_q *q, long long v);
/* Binds bytes (a BLOB), borrowed until tick_q_exec(). */
void tick_q_blob(struct tick_q *q, const void *data, size_t len);
void tick_q_null(struct tick_q *q);
/* Optional values: v, or NULL when v is 0 or less (ids, counts and Meta's
 * error codes are positive); s, or NULL when s is NULL or "". */
void tick_q_opt_int(struct tick_q *q, long long v);
void tick_q_opt_str(struct tick_q *q, const char *s);
/* Binds the next output column into caller storage, NUL-terminated. Size
 * text buffers from the column in bytes (characters x 4 + 1): a longer
 * text value is cut on a character boundary (and logged), a longer binary
 * value makes tick_q_fetch() fail. */
void tick_q_out_str(struct tick_q *q, char *buf, size_t cap);
void tick_q_out_int(struct tick_q *q, long long *v);
/* Runs the statement (reconnecting once outside a transaction). */
enum tick_err tick_q_exec(struct tick_q *q);
/* The next row into the outputs: 1 a row, 0 no more, -1 error. */
int tick_q_fetch(struct tick_q *q);
/*
 * The next row of a statement run with rc = tick_q_exec(): 1 a row while
 * *rc is TICK_OK; 0 when *rc is not, at the end, or when the fetch fails
 * (*rc then TICK_EDB). The loop: while (tick_q_next(&q, &rc)) { ... }.
 */
int tick_q_next(struct tick_q *q, enum tick_err *rc);
/* Runs the statement and fetches its first row into the outputs, keeping
 * the result for tick_q_isnull() and tick_q_outlen(): TICK_OK (a row),
 * TICK_ENOTFOUND (none) or the error; the caller calls tick_q_done(). */
enum tick_err tick_q_first(struct tick_q *q);
/* The length of output column i of the fetched row (bytes, for text and
 * binary columns). */
unsigned long tick_q_outlen(const struct tick_q *q, int i);

/* True when output column i of the fetched row was NULL. */
int tick_q_isnull(const struct tick_q *q, int i);
unsigned long long tick_q_affected(const struct tick_q *q);
unsigned long long tick_q_insert_id(const struct tick_q *q);
/* Runs a statement whose result is at most one row into its outputs, and
 * releases it: TICK_OK (a row), TICK_ENOTFOUND (none) or TICK_EDB. */
enum tick_err tick_q_one(struct tick_q *q);

/* Runs a statement whose rows nobody reads, and releases it: *n is the
 * number of rows it changed (0 on an error). */
enum tick_err tick_q_count(struct tick_q *q, long long *n);

/* Runs a statement whose rows nobody reads, and releases it. */
enum tick_err tick_q_run(struct tick_q *q);
/*
 * Runs sql, whose one parameter is a row limit and whose one column is an
 * id, and returns up to max ids as a new array (free with free()) in *ids
 * and their number in *n.
 */
enum tick_err tick_db_ids(struct tick_db *db, const char *sql, long long max,
    long long **ids, long long *n);

/* Releases the result; the prepared statement stays cached. */
void tick_q_done(struct tick_q *q);

/* One migration: statements separated by ";" at the end of a line. */
struct tick_migration {
	int version;
	const char *name;
	const char *sql;
};

/* Seconds tick_db_migrate() waits for another host's run to end. */
#define TICK_MIGRATE_WAIT_S 120
/* Seconds after which a guard row is taken to be left by a run that died. */
#define TICK_MIGRATE_STALE_S 900

/*
 * Applies, in order, every migration not yet recorded in
 * schema_migrations. Idempotent; serialised on one server with GET_LOCK
 * and across a Galera cluster's nodes (where GET_LOCK is one node's) by a
 * guard row in schema_migrations_guard that only one run can insert; the
 * others wait for it up to TICK_MIGRATE_WAIT_S (then TICK_ECONFLICT).
 * *applied counts the migrations applied now.
 */
enum tick_err tick_db_migrate(struct tick_db *db,
    const struct tick_migration *m, size_t n, int *applied);

/* The highest applied migration, or 0 when none. */
enum tick_err tick_db_schema_version(struct tick_db *db, long long *version);

#endif
