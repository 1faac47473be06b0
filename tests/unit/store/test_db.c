#include <errmsg.h>
#include <mysqld_error.h>

#include "cu.h"
#include "db.h"

/* Which server errors pass (the statement is tried again later: the
 * webhook answers 503) and which are the statement's own. */
static void
test_error_passes(void)
{
	static const struct {
		unsigned int errnum;
		int passes;
	} cases[] = {
		{ ER_LOCK_DEADLOCK, 1 },
		{ ER_LOCK_WAIT_TIMEOUT, 1 },
		{ ER_UNKNOWN_COM_ERROR, 1 }, /* Galera: node not ready */
		{ ER_DISK_FULL, 1 },         /* tmpdir full: 1021 */
		{ ER_ERROR_ON_WRITE, 1 },
		{ ER_RECORD_FILE_FULL, 1 },
		{ ER_OUTOFMEMORY, 1 },
		{ ER_OUT_OF_SORTMEMORY, 1 },
		{ ER_OUT_OF_RESOURCES, 1 },
		{ ER_DUP_ENTRY, 0 },
		{ ER_PARSE_ERROR, 0 },
		{ ER_BAD_FIELD_ERROR, 0 },
		{ ER_DATA_TOO_LONG, 0 },
		{ ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, 0 },
		{ ER_NO_SUCH_TABLE, 0 },
		{ 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(tick_db_error_passes(cases[i].errnum),
		    cases[i].passes);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "server errors that pass", test_error_passes },
		{ NULL, NULL },
	};
	return cu_run("db", tests);
}
