#include <string.h>

#include "config.h"
#include "cu.h"
#include "http.h"
#include "passwords.h"
#include "roles.h"
#include "valid.h"

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

/* The route-by-role rules, written out independently of roles.c: every
 * cell is checked. Columns: super_admin, site_manager, agent, reporter. */
static void
test_every_cell(void)
{
	static const struct {
		enum tick_perm perm;
		int allow[TICK_ROLE__MAX];
	} want[] = {
		{ TICK_PERM_UNSET, { 0, 0, 0, 0 } },
		{ TICK_PERM_PUBLIC, { 1, 1, 1, 1 } },
		{ TICK_PERM_SIGNED_IN, { 1, 1, 1, 1 } },
		{ TICK_PERM_TICKETS_READ, { 1, 1, 1, 1 } },
		{ TICK_PERM_TICKETS_WORK, { 1, 1, 1, 0 } },
		{ TICK_PERM_TICKETS_ADMIN, { 1, 0, 0, 0 } },
		{ TICK_PERM_WA_SEND, { 1, 1, 0, 0 } },
		{ TICK_PERM_WA_STATUS, { 1, 1, 0, 0 } },
		{ TICK_PERM_WA_SIMULATE, { 1, 0, 0, 0 } },
		{ TICK_PERM_USERS, { 1, 0, 0, 0 } },
		{ TICK_PERM_AUDIT, { 1, 0, 0, 0 } },
		{ TICK_PERM_STATS, { 1, 1, 1, 1 } },
		{ TICK_PERM_REPORTS, { 1, 1, 0, 1 } },
	};

	CU_ASSERT_EQUAL_FATAL(sizeof(want) / sizeof(want[0]), TICK_PERM__MAX);
	for (size_t p = 0; p < TICK_PERM__MAX; p++) {
		CU_ASSERT_EQUAL(want[p].perm, (enum tick_perm)p);
		for (int r = 0; r < TICK_ROLE__MAX; r++)
			CU_ASSERT_EQUAL(tick_role_allows((enum tick_role)r,
			                    want[p].perm),
			    want[p].allow[r]);
	}
	/* Out of range is never allowed. */
	CU_ASSERT_FALSE(
	    tick_role_allows((enum tick_role)99, TICK_PERM_SIGNED_IN));
	CU_ASSERT_FALSE(
	    tick_role_allows(TICK_ROLE_SUPER_ADMIN, (enum tick_perm)99));
	CU_ASSERT_EQUAL(tick_role_parse("agent"), TICK_ROLE_AGENT);
	CU_ASSERT_EQUAL(tick_role_parse("Agent"), -1);
	CU_ASSERT_EQUAL(tick_role_parse(NULL), -1);
	CU_STR_EQ(tick_role_name(TICK_ROLE_REPORTER), "reporter");
}

static void
test_email(void)
{
	CU_ASSERT_TRUE(tick_valid_email("ana@example.com", 254));
	CU_ASSERT_TRUE(tick_valid_email("a.b+tag@sub.example.co", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@localhost", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana", 254));
	CU_ASSERT_FALSE(tick_valid_email("@example.com", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@@example.com", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@example..com", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@.example.com", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@example.com.", 254));
	CU_ASSERT_FALSE(tick_valid_email("a na@example.com", 254));
	CU_ASSERT_FALSE(tick_valid_email(".ana@example.com", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@exa_mple.com", 254));
	CU_ASSERT_FALSE(tick_valid_email("ana@example.com", 10));
}

static void
test_phone(void)
{
	char d[16];

	CU_ASSERT_EQUAL(tick_valid_phone("+52 1 55 1234-5678", d), TICK_OK);
	CU_STR_EQ(d, "5215512345678");
	CU_ASSERT_EQUAL(tick_valid_phone("0044 (20) 7946.0958", d), TICK_OK);
	CU_STR_EQ(d, "442079460958");
	CU_ASSERT_EQUAL(tick_valid_phone("1234567", d), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_phone("1234567890123456", d), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_phone("+52 55 abc", d), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_phone("0551234567", d), TICK_EINVAL);
	CU_ASSERT_EQUAL(tick_valid_phone("", d), TICK_EINVAL);
}

static void
test_fields(void)
{
	static const char *const roles[] = { "agent", "reporter", NULL };
	static const struct tick_field f[] = {
		{ "email", TICK_FIELD_EMAIL, 1, 3, 254, NULL },
		{ "name", TICK_FIELD_TEXT, 1, 1, 5, NULL },
		{ "role", TICK_FIELD_ENUM, 0, 0, 0, roles },
		{ "active", TICK_FIELD_BOOL, 0, 0, 0, NULL },
		{ "note", TICK_FIELD_LONGTEXT, 0, 0, 10, NULL },
		{ "mobile", TICK_FIELD_PHONE, 0, 0, 0, NULL },
		{ "user_id", TICK_FIELD_ID, 0, 0, 0, NULL },
	};
	json_t *ok = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:i}", "email",
	    "a@b.co", "name", "\xc3\xb1\xc3\xb1\xc3\xb1\xc3\xb1\xc3\xb1",
	    "role", "agent", "active", 1, "note", "a\nb", "mobile",
	    "+52 55 1234 5678", "user_id", 7);
	json_t *bad = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:i}", "email",
	    "nope", "name", "toolong", "role", "boss", "active", 1, "note",
	    "a\x01", "mobile", "12", "user_id", -1);
	json_t *errors = NULL;

	CU_ASSERT_EQUAL(tick_valid_fields(ok, f, 7, &errors), TICK_OK);
	CU_ASSERT_PTR_NULL(errors);
	CU_ASSERT_EQUAL(tick_valid_fields(bad, f, 7, &errors), TICK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(errors);
	CU_ASSERT_EQUAL(json_object_size(errors), 7);
	CU_STR_EQ(json_string_value(json_object_get(errors, "name")),
	    "must be at most 5 characters");
	json_decref(errors);
	json_decref(bad);
	/* Missing required fields, and an empty string counts as missing. */
	bad = json_pack("{s:s}", "name", "");
	CU_ASSERT_EQUAL(tick_valid_fields(bad, f, 7, &errors), TICK_EINVAL);
	CU_STR_EQ(json_string_value(json_object_get(errors, "email")),
	    "is required");
	CU_STR_EQ(json_string_value(json_object_get(errors, "name")),
	    "is required");
	CU_ASSERT_EQUAL(json_object_size(errors), 2);
	json_decref(errors);
	json_decref(bad);
	json_decref(ok);
}

static void
test_cookies(void)
{
	char v[16];

	CU_ASSERT_EQUAL(tick_http_cookie_get("a=1; tick_session=abc; b=2",
	                    "tick_session", v, sizeof(v)),
	    TICK_OK);
	CU_STR_EQ(v, "abc");
	CU_ASSERT_EQUAL(tick_http_cookie_get("xtick_session=abc",
	                    "tick_session", v, sizeof(v)),
	    TICK_ENOTFOUND);
	CU_ASSERT_EQUAL(tick_http_cookie_get("tick_session=", "tick_session", v,
	                    sizeof(v)),
	    TICK_OK);
	CU_STR_EQ(v, "");
	CU_ASSERT_EQUAL(tick_http_cookie_get("t=0123456789abcdefg", "t", v,
	                    sizeof(v)),
	    TICK_ETOOBIG);
	CU_ASSERT_EQUAL(tick_http_cookie_get("", "t", v, sizeof(v)),
	    TICK_ENOTFOUND);
	CU_ASSERT_EQUAL(tick_http_cookie_get(";;; t=1 ;", "t", v, sizeof(v)),
	    TICK_OK);
	CU_STR_EQ(v, "1");
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "bcrypt", test_bcrypt },
		{ "imported hashes ($2y$, $2a$, $y$)", test_imported_hashes },
		{ "yescrypt", test_yescrypt },
		{ "generated passwords", test_generated },
		{ "route-by-role: every cell", test_every_cell },
		{ "e-mail addresses", test_email },
		{ "phone numbers", test_phone },
		{ "field tables", test_fields },
		{ "cookies", test_cookies },
		{ NULL, NULL },
	};
	int rc = cu_run("auth", tests);

	tick_config_free(&cfg);
	return rc;
}
