/* The identity rule against every contact state, one row a case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu.h"
#include "identity.h"
#include "wa.h"

#define P1 "5215512345678"
#define P2 "5215599999999"
#define U1 "MX.111"
#define U2 "MX.222"

/* Contacts as found: none, one with phone only, with both keys, ... */
#define NONE                  \
	{                     \
		0, NULL, NULL \
	}
#define C1_PHONE            \
	{                   \
		1, P1, NULL \
	}
#define C1_BOTH           \
	{                 \
		1, P1, U1 \
	}
#define C1_USER             \
	{                   \
		1, NULL, U1 \
	}
#define C2_USER             \
	{                   \
		2, NULL, U1 \
	}
#define C2_P2               \
	{                   \
		2, P2, NULL \
	}
#define C2_U2               \
	{                   \
		2, NULL, U2 \
	}

struct row {
	const char *name;
	struct tick_id_input in;
	enum tick_id_action action;
	long long contact;
	const char *set_wa, *set_user;
	enum tick_id_conflict conflict;
	long long other;
};

static const struct row rows[] = {
	/* Messages. */
	{ "new customer by phone and user id",
	    { TICK_ID_MESSAGE, P1, U1, NULL, NONE, NONE, NONE }, TICK_ID_CREATE,
	    0, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "new username-only customer",
	    { TICK_ID_MESSAGE, NULL, U1, NULL, NONE, NONE, NONE },
	    TICK_ID_CREATE, 0, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "nothing to key on",
	    { TICK_ID_MESSAGE, NULL, NULL, NULL, NONE, NONE, NONE },
	    TICK_ID_NONE, 0, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "known phone learns its user id",
	    { TICK_ID_MESSAGE, P1, U1, NULL, C1_PHONE, NONE, NONE },
	    TICK_ID_UPDATE, 1, NULL, U1, TICK_ID_CONFLICT_NONE, 0 },
	{ "known by both keys",
	    { TICK_ID_MESSAGE, P1, U1, NULL, C1_BOTH, C1_BOTH, NONE },
	    TICK_ID_USE, 1, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "user id alone finds the contact",
	    { TICK_ID_MESSAGE, NULL, U1, NULL, NONE, C1_BOTH, NONE },
	    TICK_ID_USE, 1, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "phone alone finds the contact",
	    { TICK_ID_MESSAGE, P1, NULL, NULL, C1_BOTH, NONE, NONE },
	    TICK_ID_USE, 1, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "username-only contact learns its phone",
	    { TICK_ID_MESSAGE, P1, U1, NULL, NONE, C1_USER, NONE },
	    TICK_ID_UPDATE, 1, P1, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "same phone, another user id: conflict, newest kept",
	    { TICK_ID_MESSAGE, P1, U2, NULL, C1_BOTH, NONE, NONE },
	    TICK_ID_UPDATE, 1, NULL, U2, TICK_ID_CONFLICT_PHONE_TWO_USER_IDS,
	    0 },
	{ "phone and user id on two contacts: never split further",
	    { TICK_ID_MESSAGE, P1, U1, NULL, C1_PHONE, C2_USER, NONE },
	    TICK_ID_USE, 1, NULL, NULL, TICK_ID_CONFLICT_TWO_CONTACTS, 2 },
	/* user_changed_number: old phone P1 to P2 (and new user id U2). */
	{ "number change moves the contact",
	    { TICK_ID_NUMBER_CHANGED, P2, U2, P1, NONE, NONE, C1_BOTH },
	    TICK_ID_UPDATE, 1, P2, U2, TICK_ID_CONFLICT_NONE, 0 },
	{ "number change without a new user id (legacy shape)",
	    { TICK_ID_NUMBER_CHANGED, P2, NULL, P1, NONE, NONE, C1_PHONE },
	    TICK_ID_UPDATE, 1, P2, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "number change redelivered",
	    { TICK_ID_NUMBER_CHANGED, P2, NULL, P1, { 1, P2, NULL }, NONE,
	        NONE },
	    TICK_ID_USE, 1, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "number change of someone unknown",
	    { TICK_ID_NUMBER_CHANGED, P2, NULL, P1, NONE, NONE, NONE },
	    TICK_ID_NONE, 0, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "new number already has its own contact",
	    { TICK_ID_NUMBER_CHANGED, P2, NULL, P1, C2_P2, NONE, C1_PHONE },
	    TICK_ID_USE, 1, NULL, NULL, TICK_ID_CONFLICT_TWO_CONTACTS, 2 },
	{ "new user id held by another contact",
	    { TICK_ID_NUMBER_CHANGED, P2, U2, P1, NONE, C2_U2, C1_BOTH },
	    TICK_ID_UPDATE, 1, P2, NULL, TICK_ID_CONFLICT_TWO_CONTACTS, 2 },
	/* user_id_update: U1 to U2. */
	{ "user id update",
	    { TICK_ID_USER_ID_UPDATE, NULL, U2, U1, NONE, NONE, C1_BOTH },
	    TICK_ID_UPDATE, 1, NULL, U2, TICK_ID_CONFLICT_NONE, 0 },
	{ "user id update redelivered",
	    { TICK_ID_USER_ID_UPDATE, NULL, U2, U1, NONE, { 1, P1, U2 }, NONE },
	    TICK_ID_USE, 1, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "user id update found by phone",
	    { TICK_ID_USER_ID_UPDATE, P1, U2, U1, C1_PHONE, NONE, NONE },
	    TICK_ID_UPDATE, 1, NULL, U2, TICK_ID_CONFLICT_NONE, 0 },
	{ "user id update of someone unknown",
	    { TICK_ID_USER_ID_UPDATE, NULL, U2, U1, NONE, NONE, NONE },
	    TICK_ID_NONE, 0, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "user id update onto another contact",
	    { TICK_ID_USER_ID_UPDATE, NULL, U2, U1, NONE, C2_U2, C1_BOTH },
	    TICK_ID_USE, 1, NULL, NULL, TICK_ID_CONFLICT_TWO_CONTACTS, 2 },
	/* customer_identity_changed: keys stay. */
	{ "identity changed, known",
	    { TICK_ID_IDENTITY_CHANGED, P1, NULL, NULL, C1_BOTH, NONE, NONE },
	    TICK_ID_USE, 1, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "identity changed, known by user id",
	    { TICK_ID_IDENTITY_CHANGED, NULL, U1, NULL, NONE, C1_USER, NONE },
	    TICK_ID_USE, 1, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
	{ "identity changed, unknown",
	    { TICK_ID_IDENTITY_CHANGED, P1, NULL, NULL, NONE, NONE, NONE },
	    TICK_ID_NONE, 0, NULL, NULL, TICK_ID_CONFLICT_NONE, 0 },
};

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
test_table(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct tick_id_decision d;
		int ok;

		tick_id_resolve(&r->in, &d);
		ok = d.action == r->action && d.contact_id == r->contact &&
		    same(d.set_wa_id, r->set_wa) &&
		    same(d.set_user_id, r->set_user) &&
		    d.conflict == r->conflict && d.other_contact_id == r->other;
		if (!ok)
			fprintf(stderr,
			    "%s: action %d contact %lld wa %s user %s "
			    "conflict %d other %lld\n",
			    r->name, d.action, d.contact_id,
			    d.set_wa_id ? d.set_wa_id : "-",
			    d.set_user_id ? d.set_user_id : "-", d.conflict,
			    d.other_contact_id);
		CU_ASSERT(ok);
	}
}

static void
test_previous_user_id(void)
{
	struct tick_id_input in = { TICK_ID_MESSAGE, P1, U2, NULL, C1_BOTH,
		NONE, NONE };
	struct tick_id_decision d;

	tick_id_resolve(&in, &d);
	CU_ASSERT_STRING_EQUAL(d.previous_user_id, U1);
	CU_ASSERT_STRING_EQUAL(tick_id_conflict_name(d.conflict),
	    "phone_two_user_ids");
	CU_ASSERT_STRING_EQUAL(tick_id_conflict_name(TICK_ID_CONFLICT_NONE),
	    "");
}

static void
test_address_field(void)
{
	CU_ASSERT_STRING_EQUAL(tick_wa_address_field(P1), "to");
	CU_ASSERT_STRING_EQUAL(tick_wa_address_field(U1), "recipient");
	CU_ASSERT_STRING_EQUAL(tick_wa_address_field("US.ENT.118"),
	    "recipient");
	CU_ASSERT_STRING_EQUAL(tick_wa_address_field(""), "to");
}

static void
test_payload_recipient(void)
{
	char *p = tick_wa_text_payload(U1, "hi");

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "\"recipient\":\"MX.111\""));
	CU_ASSERT_PTR_NULL(strstr(p, "\"to\""));
	free(p);
	p = tick_wa_template_payload(P1, "hello", "en");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "\"to\":\"" P1 "\""));
	CU_ASSERT_PTR_NULL(strstr(p, "\"recipient\""));
	free(p);
}

static struct tick_wa_msg *
parse_one(const char *body, struct tick_wa_batch *b)
{
	char err[128];

	memset(b, 0, sizeof(*b));
	if (tick_wa_parse_webhook(body, strlen(body), b, err, sizeof(err)) !=
	        TICK_OK ||
	    b->nmsgs != 1)
		return NULL;
	return &b->msgs[0];
}

#define ENV(field, value)                                                     \
	"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\"," \
	"\"changes\":[{\"field\":\"" field "\",\"value\":{"                   \
	"\"metadata\":{\"phone_number_id\":\"400555666777888\"}," value       \
	"}}]}]}"

static void
test_parse_username_only(void)
{
	struct tick_wa_batch b;
	struct tick_wa_msg *m = parse_one(
	    ENV("messages",
	        "\"contacts\":[{\"profile\":{\"name\":\"Ana\",\"username\":"
	        "\"ana.ruiz\"},\"user_id\":\"MX.111\",\"parent_user_id\":"
	        "\"MX.ENT.9\"}],\"messages\":[{\"id\":\"wamid.A\",\"type\":"
	        "\"text\",\"text\":{\"body\":\"hi\"}}]"),
	    &b);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NULL(m->from);
	CU_ASSERT_STRING_EQUAL(m->from_user_id, "MX.111");
	CU_ASSERT_STRING_EQUAL(m->username, "ana.ruiz");
	CU_ASSERT_STRING_EQUAL(m->parent_user_id, "MX.ENT.9");
	CU_ASSERT_EQUAL(m->ident, TICK_ID_MESSAGE);
	tick_wa_batch_free(&b);
}

static void
test_parse_identity_events(void)
{
	struct tick_wa_batch b;
	struct tick_wa_msg *m;

	m = parse_one(
	    ENV("messages",
	        "\"messages\":[{\"from\":\"16505551234\",\"id\":\"wamid.S\","
	        "\"type\":\"system\",\"system\":{\"body\":\"changed\",\"wa_id\":"
	        "\"12195555358\",\"type\":\"user_changed_number\"}}]"),
	    &b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->ident, TICK_ID_NUMBER_CHANGED);
	CU_ASSERT_STRING_EQUAL(m->old_key, "16505551234");
	CU_ASSERT_STRING_EQUAL(m->new_wa_id, "12195555358");
	tick_wa_batch_free(&b);

	m = parse_one(
	    ENV("messages",
	        "\"messages\":[{\"from\":\"16505551234\",\"id\":\"wamid.L\","
	        "\"type\":\"system\",\"system\":{\"body\":\"changed\","
	        "\"new_wa_id\":\"12195555358\",\"customer\":\"16505551234\","
	        "\"type\":\"customer_changed_number\"}}]"),
	    &b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->ident, TICK_ID_NUMBER_CHANGED);
	CU_ASSERT_STRING_EQUAL(m->new_wa_id, "12195555358");
	tick_wa_batch_free(&b);

	m = parse_one(ENV("user_id_update",
	                  "\"user_id_update\":[{\"wa_id\":\"16505551234\",\"detail\":{"
	                  "\"previous\":\"US.1\",\"current\":\"US.2\"}}]"),
	    &b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->ident, TICK_ID_USER_ID_UPDATE);
	CU_ASSERT_STRING_EQUAL(m->old_key, "US.1");
	CU_ASSERT_STRING_EQUAL(m->new_user_id, "US.2");
	CU_ASSERT_EQUAL(strncmp(m->wamid, "uidu.", 5), 0);
	CU_ASSERT_EQUAL(strlen(m->wamid), 5 + 64);
	tick_wa_batch_free(&b);

	/* Without both ids there is nothing to apply: skipped. */
	CU_ASSERT_PTR_NULL(parse_one(
	    ENV("user_id_update",
	        "\"user_id_update\":[{\"detail\":{\"current\":\"US.2\"}}]"),
	    &b));
	CU_ASSERT_EQUAL(b.skipped, 1);
	tick_wa_batch_free(&b);
}

int
main(void)
{
	static const struct cu_test tests[] = {
		{ "every event against every contact state", test_table },
		{ "the previous user id of a conflict", test_previous_user_id },
		{ "to or recipient", test_address_field },
		{ "payload by user id", test_payload_recipient },
		{ "a username-only message", test_parse_username_only },
		{ "identity events parsed", test_parse_identity_events },
		{ NULL, NULL },
	};
	return cu_run("identity", tests);
}
