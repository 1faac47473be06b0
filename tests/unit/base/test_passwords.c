#include <string.h>

#include "config.h"
#include "cu.h"
#include "passwords.h"

static struct tick_config cfg;

static void
setup(const char *scheme, const char *cost)
{
	char err[256];

	tick_config_free(&cfg);
	tick_config_init(&cfg);
	tick_config_offer(&cfg, "DB_NAME", "t");
	tick_config_offer(&cfg, "DB_USER", "t");
	tick_config_offer(&cfg, "PASSWORD_SCHEME", scheme);
	tick_config_offer(&cfg, "BCRYPT_COST", cost);
	CU_ASSERT_EQUAL_FATAL(tick_config_finish(&cfg, err, sizeof(err)),
	    TICK_OK);
}

static void
test_bcrypt(void)
{
	char hash[TICK_HASH_MAX], again[TICK_HASH_MAX];

	setup("bcrypt", "5");
	CU_ASSERT_EQUAL_FATAL(tick_password_hash(&cfg, "correct horse battery",
	                          hash, sizeof(hash)),
	    TICK_OK);
	CU_ASSERT_EQUAL(strncmp(hash, "$2b$05$", 7), 0);
	CU_ASSERT_TRUE(tick_password_check("correct horse battery", hash));
	CU_ASSERT_FALSE(tick_password_check("correct horse batterY", hash));
	CU_ASSERT_FALSE(tick_password_check("", hash));
	/* A fresh salt each time. */
	CU_ASSERT_EQUAL(tick_password_hash(&cfg, "correct horse battery", again,
	                    sizeof(again)),
	    TICK_OK);
	CU_ASSERT_NOT_EQUAL(strcmp(hash, again), 0);
	/* Cost as configured; a lower one is upgraded. */
	CU_ASSERT_FALSE(tick_password_needs_rehash(&cfg, hash));
	setup("bcrypt", "6");
	CU_ASSERT_TRUE(tick_password_needs_rehash(&cfg, hash));
	/* Too short and too long passwords are never hashed. */
	CU_ASSERT_EQUAL(tick_password_hash(&cfg, "short", hash, sizeof(hash)),
	    TICK_EINVAL);
	{
		char longpw[TICK_PASSWORD_MAX + 2];

		memset(longpw, 'a', sizeof(longpw) - 1);
		longpw[sizeof(longpw) - 1] = '\0';
		CU_ASSERT_EQUAL(tick_password_hash(&cfg, longpw, hash,
		                    sizeof(hash)),
		    TICK_EINVAL);
		longpw[TICK_PASSWORD_MAX] = '\0';
		CU_ASSERT_EQUAL(tick_password_valid(longpw), TICK_OK);
	}
	CU_ASSERT_EQUAL(tick_password_valid("0123456789"), TICK_OK);
	CU_ASSERT_EQUAL(tick_password_valid("012345678"), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_password_valid("01234\xff"
	                                    "6789"),
	    TICK_EINVAL);
}

static void
test_imported_hashes(void)
{
	/* PHP's password_hash() writes $2y$; older ones $2a$; yescrypt $y$. */
	static const char y[] =
	    "$2y$10$abcdefghijklmnopqrstuuCj7fyLDJytXL.TfOiOeiv0fQvSOK1/2";
	static const char a[] =
	    "$2a$04$abcdefghijklmnopqrstuuqREtd3VJD2QVZbuFskFSLk6eRIrQoOS";
	static const char ys[] =
	    "$y$j9T$abcdefghijklmnop$F7kfVk.oOhV81K9PnQ5GcZ31QaSOFBtNI3Y3euDcm9C";

	setup("bcrypt", "10");
	CU_ASSERT_TRUE(tick_password_check("correct horse battery", y));
	CU_ASSERT_FALSE(tick_password_check("correct horse batter", y));
	CU_ASSERT_TRUE(tick_password_check("correct horse battery", a));
	CU_ASSERT_TRUE(tick_password_check("correct horse battery", ys));
	CU_ASSERT_FALSE(tick_password_check("wrong", ys));
	/* All three are moved to $2b$ at the configured cost. */
	CU_ASSERT_TRUE(tick_password_needs_rehash(&cfg, y));
	CU_ASSERT_TRUE(tick_password_needs_rehash(&cfg, a));
	CU_ASSERT_TRUE(tick_password_needs_rehash(&cfg, ys));
	/* Nonsense is never a match. */
	CU_ASSERT_FALSE(tick_password_check("x", ""));
	CU_ASSERT_FALSE(tick_password_check("x", "*0"));
	CU_ASSERT_FALSE(tick_password_check("x", "plaintext"));
	CU_ASSERT_FALSE(tick_password_check(NULL, y));
}

static void
test_yescrypt(void)
{
	char hash[TICK_HASH_MAX];

	setup("yescrypt", "12");
	CU_ASSERT_EQUAL_FATAL(tick_password_hash(&cfg, "correct horse battery",
	                          hash, sizeof(hash)),
	    TICK_OK);
	CU_ASSERT_EQUAL(strncmp(hash, "$y$", 3), 0);
	CU_ASSERT_TRUE(tick_password_check("correct horse battery", hash));
	CU_ASSERT_FALSE(tick_password_needs_rehash(&cfg, hash));
}

static void
test_generated(void)
{
	char a[TICK_PASSWORD_GENERATED + 1], b[TICK_PASSWORD_GENERATED + 1];

	CU_ASSERT_EQUAL(tick_password_generate(a, sizeof(a)), TICK_OK);
	CU_ASSERT_EQUAL(tick_password_generate(b, sizeof(b)), TICK_OK);
	CU_ASSERT_EQUAL(strlen(a), TICK_PASSWORD_GENERATED);
	CU_ASSERT_NOT_EQUAL(strcmp(a, b), 0);
	CU_ASSERT_EQUAL(tick_password_valid(a), TICK_OK);
	CU_ASSERT_EQUAL(tick_password_generate(a, 5), TICK_ESYS);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "bcrypt", test_bcrypt },
		{ "imported hashes ($2y$, $2a$, $y$)", test_imported_hashes },
		{ "yescrypt", test_yescrypt },
		{ "generated passwords", test_generated },
		{ NULL, NULL },
	};
	int rc = cu_run("passwords", tests);

	tick_config_free(&cfg);
	return rc;
}
