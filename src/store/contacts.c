#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "contacts.h"
#include "db.h"
#include "log.h"

#define ISO(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"

enum contacts_stmt {
	CT_GET,
	CT_TICKETS,
	CT_CREATE,
	CT_UPDATE,
	CT_TAGS_CLEAR,
	CT_TAG_ADD,
	CT_FIND_PHONE,
	CT_LOCK,
	CT_FIRST_INBOUND,
	CT_IN_USE,
	CT_DELETE,
	CT_DELETE_TAGS,
	CT_MG_TICKETS,
	CT_MG_MESSAGES,
	CT_MG_TAGS,
	CT_MG_CARD,
	CT_MG_KEY,
	CT_MG_REKEY,
	CT_TICKET_IDS,
	CT_EACH,
	CT_MK_FIND,
	CT_MK_CREATE,
	CT_MK_LOCK,
	CT_MK_SET,
	CT_MK_GET,
	CT_MK_GET_PHONE,
	CT_STMT__MAX
};

/* clang-format off */
/* The columns of a contact. */
#define CONTACT_COLUMNS \
	"c.id, COALESCE(c.name, c.profile_name), c.profile_name, c.wa_id," \
	" c.user_id, c.email, c.custom_fields, c.notes, c.opted_out," \
	" " ISO("c.opted_out_at") ", " ISO("c.last_inbound_at") "," \
	" (SELECT COUNT(*) FROM tickets t WHERE t.contact_id = c.id" \
	" AND t.deleted_at IS NULL AND t.status <> 'closed')," \
	" (SELECT COUNT(*) FROM tickets t WHERE t.contact_id = c.id" \
	" AND t.deleted_at IS NULL)," \
	" " ISO("c.created_at") ", " ISO("c.updated_at") "," \
	" (SELECT GROUP_CONCAT(ct.tag ORDER BY ct.tag SEPARATOR ',')" \
	" FROM contact_tags ct WHERE ct.contact_id = c.id)," \
	" c.marketing_opt_out, " ISO("c.marketing_opt_out_at") "," \
	" c.marketing_opt_out_source"

static const char *const stmts[CT_STMT__MAX] = {
	[CT_GET] = "SELECT " CONTACT_COLUMNS " FROM whatsapp_contacts c"
	           " WHERE c.id = ?",
	[CT_TICKETS] =
	    "SELECT t.id, COALESCE(t.reference, ''), t.status,"
	    " " ISO("t.created_at") ", " ISO("t.closed_at")
	    " FROM tickets t WHERE t.contact_id = ? AND t.deleted_at IS NULL"
	    " ORDER BY t.id DESC LIMIT 100",
	[CT_CREATE] =
	    "INSERT INTO whatsapp_contacts (contact_key, wa_id, name, email,"
	    " notes, custom_fields, opted_out, opted_out_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, IF(?, NOW(3), NULL))",
	/* Each pair: (given?, value). MariaDB assigns left to right, so
	 * the key (which follows the phone) comes before wa_id changes. */
	[CT_UPDATE] =
	    "UPDATE whatsapp_contacts SET"
	    " contact_key = IF(? AND contact_key = COALESCE(wa_id, ''), ?,"
	    " contact_key), wa_id = IF(?, ?, wa_id),"
	    " name = IF(?, ?, name), email = IF(?, ?, email),"
	    " notes = IF(?, ?, notes), custom_fields = IF(?, IF(? AND"
	    " custom_fields IS NOT NULL, JSON_MERGE_PATCH(custom_fields, ?), ?),"
	    " custom_fields),"
	    " opted_out_at = IF(?, IF(?, COALESCE(opted_out_at, NOW(3)), NULL),"
	    " opted_out_at), opted_out = IF(?, ?, opted_out) WHERE id = ?",
	[CT_TAGS_CLEAR] = "DELETE FROM contact_tags WHERE contact_id = ?",
	[CT_TAG_ADD] = "INSERT IGNORE INTO contact_tags (contact_id, tag)"
	               " VALUES (?, ?)",
	/* The phone's own contact first, else one that has the number. */
	[CT_FIND_PHONE] =
	    "SELECT id FROM whatsapp_contacts WHERE contact_key = ? OR wa_id = ?"
	    " ORDER BY contact_key = ? DESC, id LIMIT 1 FOR UPDATE",
	[CT_LOCK] = "SELECT id FROM whatsapp_contacts WHERE id = ? FOR UPDATE",
	[CT_FIRST_INBOUND] =
	    "UPDATE whatsapp_contacts SET first_inbound_at = FROM_UNIXTIME(?)"
	    " WHERE id = ? AND first_inbound_at IS NULL",
	[CT_IN_USE] =
	    "SELECT (SELECT COUNT(*) FROM tickets WHERE contact_id = ?) +"
	    " (SELECT COUNT(*) FROM whatsapp_messages WHERE contact_id = ?)",
	[CT_DELETE] = "DELETE FROM whatsapp_contacts WHERE id = ?",
	[CT_DELETE_TAGS] = "DELETE FROM contact_tags WHERE contact_id = ?",
	[CT_MG_TICKETS] = "UPDATE tickets SET contact_id = ? WHERE contact_id = ?",
	[CT_MG_MESSAGES] = "UPDATE whatsapp_messages SET contact_id = ?"
	                   " WHERE contact_id = ?",
	[CT_MG_TAGS] =
	    "INSERT IGNORE INTO contact_tags (contact_id, tag)"
	    " SELECT ?, tag FROM contact_tags WHERE contact_id = ?",
	/* What keep lacks, from gone; custom fields merged, keep's
	 * winning. */
	[CT_MG_CARD] =
	    "UPDATE whatsapp_contacts k JOIN whatsapp_contacts g ON g.id = ?"
	    " SET k.name = COALESCE(k.name, g.name),"
	    " k.profile_name = COALESCE(k.profile_name, g.profile_name),"
	    " k.email = COALESCE(k.email, g.email),"
	    " k.notes = COALESCE(k.notes, g.notes),"
	    " k.custom_fields = CASE WHEN g.custom_fields IS NULL THEN"
	    " k.custom_fields WHEN k.custom_fields IS NULL THEN g.custom_fields"
	    " ELSE JSON_MERGE_PATCH(g.custom_fields, k.custom_fields) END,"
	    " k.wa_id = COALESCE(k.wa_id, g.wa_id),"
	    " k.user_id = COALESCE(k.user_id, g.user_id),"
	    " k.opted_out_at = IF(k.opted_out, k.opted_out_at, g.opted_out_at),"
	    " k.opted_out = GREATEST(k.opted_out, g.opted_out),"
	    " k.marketing_opt_out_at = IF(k.marketing_opt_out,"
	    " k.marketing_opt_out_at, g.marketing_opt_out_at),"
	    " k.marketing_opt_out_source = IF(k.marketing_opt_out,"
	    " k.marketing_opt_out_source, g.marketing_opt_out_source),"
	    " k.marketing_opt_out = GREATEST(k.marketing_opt_out,"
	    " g.marketing_opt_out),"
	    " k.last_inbound_at = GREATEST(COALESCE(k.last_inbound_at,"
	    " g.last_inbound_at), COALESCE(g.last_inbound_at,"
	    " k.last_inbound_at)),"
	    " k.first_inbound_at = LEAST(COALESCE(k.first_inbound_at,"
	    " g.first_inbound_at), COALESCE(g.first_inbound_at,"
	    " k.first_inbound_at))"
	    " WHERE k.id = ?",
	[CT_MG_KEY] = "SELECT contact_key FROM whatsapp_contacts WHERE id = ?",
	/* keep takes gone's phone key when its own is a user id's. */
	[CT_MG_REKEY] =
	    "UPDATE whatsapp_contacts SET contact_key = ? WHERE id = ?"
	    " AND contact_key LIKE 'user:%' AND ? NOT LIKE 'user:%'",
	[CT_TICKET_IDS] =
	    "SELECT t.id FROM tickets t WHERE t.contact_id = ?"
	    " UNION SELECT t.id FROM tickets t JOIN whatsapp_contacts c"
	    " ON c.id = ? WHERE c.wa_id IS NOT NULL AND t.mobile = c.wa_id"
	    " LIMIT ?",
	[CT_EACH] =
	    "SELECT c.id, COALESCE(c.name, c.profile_name, ''),"
	    " COALESCE(c.wa_id, ''), COALESCE(c.user_id, ''),"
	    " COALESCE(c.email, ''),"
	    " COALESCE((SELECT GROUP_CONCAT(ct.tag ORDER BY ct.tag"
	    " SEPARATOR ',') FROM contact_tags ct WHERE ct.contact_id = c.id),"
	    " ''), COALESCE(c.custom_fields, ''), COALESCE(c.notes, ''),"
	    " c.opted_out, (SELECT COUNT(*) FROM tickets t"
	    " WHERE t.contact_id = c.id AND t.deleted_at IS NULL),"
	    " " ISO("c.created_at") " FROM whatsapp_contacts c ORDER BY c.id",
	/* Issue 16: marketing consent. The user a preference names, by
	 * its phone or its user id. */
	[CT_MK_FIND] =
	    "SELECT id FROM whatsapp_contacts WHERE (? IS NOT NULL AND"
	    " (contact_key = ? OR wa_id = ?)) OR (? IS NOT NULL AND user_id = ?)"
	    " ORDER BY contact_key = COALESCE(?, '') DESC, id LIMIT 1 FOR UPDATE",
	[CT_MK_CREATE] =
	    "INSERT INTO whatsapp_contacts (contact_key, wa_id, user_id)"
	    " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
	[CT_MK_LOCK] =
	    "SELECT marketing_opt_out,"
	    " COALESCE(CAST(UNIX_TIMESTAMP(marketing_pref_at) AS SIGNED), 0)"
	    " FROM whatsapp_contacts WHERE id = ? FOR UPDATE",
	/* (change?, opted out, source, at): the state moves only on a
	 * change; the preference's time always. */
	[CT_MK_SET] =
	    "UPDATE whatsapp_contacts SET"
	    " marketing_opt_out_at = IF(?, IF(?, FROM_UNIXTIME(?), NULL),"
	    " marketing_opt_out_at),"
	    " marketing_opt_out_source = IF(?, IF(?, ?, NULL),"
	    " marketing_opt_out_source),"
	    " marketing_opt_out = IF(?, ?, marketing_opt_out),"
	    " marketing_pref_at = GREATEST(COALESCE(marketing_pref_at,"
	    " FROM_UNIXTIME(?)), FROM_UNIXTIME(?)) WHERE id = ?",
	[CT_MK_GET] =
	    "SELECT marketing_opt_out FROM whatsapp_contacts WHERE id = ?",
	/* A form ticket names no contact: its mobile's contact decides. */
	[CT_MK_GET_PHONE] =
	    "SELECT marketing_opt_out FROM whatsapp_contacts"
	    " WHERE contact_key = ? OR wa_id = ?"
	    " ORDER BY marketing_opt_out DESC LIMIT 1",
};
/* clang-format on */

/* One row of CONTACT_COLUMNS. */
struct contact_row {
	long long id, opted_out, open, total, marketing;
	char name[TICK_COL_BUF(255)], profile[TICK_COL_BUF(255)], phone[84],
	    user_id[TICK_COL_BUF(128)], email[TICK_COL_BUF(254)], fields[65536],
	    notes[65536], opted_at[40], inbound[40], created[40], updated[40],
	    tags[TICK_TAGS_MAX * 4 * 40], marketing_at[40], marketing_src[33];
};

static void
bind_row(struct tick_q *q, struct contact_row *r)
{
	r->name[0] = r->profile[0] = r->phone[0] = r->user_id[0] = '\0';
	tick_q_out_int(q, &r->id);
	tick_q_out_str(q, r->name, sizeof(r->name));
	tick_q_out_str(q, r->profile, sizeof(r->profile));
	tick_q_out_str(q, r->phone, sizeof(r->phone));
	tick_q_out_str(q, r->user_id, sizeof(r->user_id));
	tick_q_out_str(q, r->email, sizeof(r->email));
	tick_q_out_str(q, r->fields, sizeof(r->fields));
	tick_q_out_str(q, r->notes, sizeof(r->notes));
	tick_q_out_int(q, &r->opted_out);
	tick_q_out_str(q, r->opted_at, sizeof(r->opted_at));
	tick_q_out_str(q, r->inbound, sizeof(r->inbound));
	tick_q_out_int(q, &r->open);
	tick_q_out_int(q, &r->total);
	tick_q_out_str(q, r->created, sizeof(r->created));
	tick_q_out_str(q, r->updated, sizeof(r->updated));
	tick_q_out_str(q, r->tags, sizeof(r->tags));
	tick_q_out_int(q, &r->marketing);
	tick_q_out_str(q, r->marketing_at, sizeof(r->marketing_at));
	tick_q_out_str(q, r->marketing_src, sizeof(r->marketing_src));
}

static json_t *
str_or_null(const struct tick_q *q, int i, const char *s)
{
	return tick_q_isnull(q, i) ? json_null() : json_string(s);
}

static json_t *
row_json(const struct tick_q *q, const struct contact_row *r)
{
	json_t *tags = json_array(), *fields = NULL, *o;
	char *p, *save = NULL, buf[sizeof(r->tags)];

	if (tags == NULL)
		return NULL;
	if (!tick_q_isnull(q, 15)) {
		snprintf(buf, sizeof(buf), "%s", r->tags);
		for (p = strtok_r(buf, ",", &save); p != NULL;
		     p = strtok_r(NULL, ",", &save))
			json_array_append_new(tags, json_string(p));
	}
	if (!tick_q_isnull(q, 6))
		fields = json_loads(r->fields, 0, NULL);
	if (fields == NULL)
		fields = json_object();
	o = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b,"
	              " s:o, s:o, s:I, s:I, s:s, s:s}",
	    "id", (json_int_t)r->id, "name", str_or_null(q, 1, r->name),
	    "profile_name", str_or_null(q, 2, r->profile), "phone",
	    str_or_null(q, 3, r->phone), "whatsapp_user_id",
	    str_or_null(q, 4, r->user_id), "email", str_or_null(q, 5, r->email),
	    "tags", tags, "custom_fields", fields, "notes",
	    str_or_null(q, 7, r->notes), "opted_out", (int)(r->opted_out != 0),
	    "opted_out_at", str_or_null(q, 9, r->opted_at), "last_inbound_at",
	    str_or_null(q, 10, r->inbound), "open_tickets", (json_int_t)r->open,
	    "tickets_total", (json_int_t)r->total, "created_at", r->created,
	    "updated_at", r->updated);
	/* Issue 16: marketing stopped (user_preferences or a keyword). */
	if (o != NULL) {
		json_object_set_new(o, "marketing_opt_out",
		    json_boolean(r->marketing != 0));
		json_object_set_new(o, "marketing_opt_out_at",
		    str_or_null(q, 17, r->marketing_at));
		json_object_set_new(o, "marketing_opt_out_source",
		    str_or_null(q, 18, r->marketing_src));
	}
	return o;
}

static void
list_sql(struct tick_sql *s, const struct tick_contact_filter *f, int count)
{
	tick_sql_add(s, count ? "SELECT COUNT(*)" : "SELECT " CONTACT_COLUMNS);
	tick_sql_add(s, " FROM whatsapp_contacts c WHERE 1 = 1");
	if (f->q[0] != '\0')
		tick_sql_add(s,
		    " AND (c.wa_id LIKE ? OR c.name LIKE ?"
		    " OR c.profile_name LIKE ? OR c.email LIKE ?)");
	if (f->tag[0] != '\0')
		tick_sql_add(s,
		    " AND EXISTS (SELECT 1 FROM contact_tags ct"
		    " WHERE ct.contact_id = c.id AND ct.tag = ?)");
	if (!count)
		tick_sql_add(s, " ORDER BY c.id DESC LIMIT ? OFFSET ?");
}

static void
list_bind(struct tick_q *q, const struct tick_contact_filter *f,
    const char *phone, const char *name)
{
	if (f->q[0] != '\0') {
		tick_q_str(q, phone, (size_t)-1);
		tick_q_str(q, name, (size_t)-1);
		tick_q_str(q, name, (size_t)-1);
		tick_q_str(q, name, (size_t)-1);
	}
	if (f->tag[0] != '\0')
		tick_q_str(q, f->tag, (size_t)-1);
}

enum tick_err
tick_contacts_list(struct tick_db *db, const struct tick_contact_filter *f,
    long long page, long long limit, json_t **items, long long *total)
{
	struct contact_row *r = NULL;
	char phone[840], name[840];
	struct tick_sql s;
	struct tick_q q;
	enum tick_err rc;
	const char *digits = f->q;
	json_t *o;
	int fr;

	*total = 0;
	if ((*items = json_array()) == NULL ||
	    (r = calloc(1, sizeof(*r))) == NULL) {
		json_decref(*items);
		*items = NULL;
		return TICK_ENOMEM;
	}
	/* A phone is searched by its digits from the start. */
	if (*digits == '+')
		digits++;
	if (tick_like_pattern(digits, 0, 1, phone, sizeof(phone)) != TICK_OK ||
	    tick_like_pattern(f->q, 1, 1, name, sizeof(name)) != TICK_OK) {
		json_decref(*items);
		*items = NULL;
		free(r);
		return TICK_ETOOBIG;
	}
	memset(&s, 0, sizeof(s));
	list_sql(&s, f, 1);
	tick_q_init_built(&q, db, &s);
	list_bind(&q, f, phone, name);
	tick_q_out_int(&q, total);
	if ((rc = tick_q_one(&q)) == TICK_ENOTFOUND)
		rc = TICK_OK;
	if (rc != TICK_OK || *total == 0)
		goto out;
	memset(&s, 0, sizeof(s));
	list_sql(&s, f, 0);
	tick_q_init_built(&q, db, &s);
	list_bind(&q, f, phone, name);
	tick_q_int(&q, limit);
	tick_q_int(&q, (page - 1) * limit);
	bind_row(&q, r);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (fr = tick_q_fetch(&q)) != 0) {
		if (fr < 0 || (o = row_json(&q, r)) == NULL) {
			rc = fr < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		json_array_append_new(*items, o);
	}
	tick_q_done(&q);
out:
	free(r);
	if (rc != TICK_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

static enum tick_err
add_tickets(struct tick_db *db, json_t *o, long long id)
{
	json_t *list = json_array(), *t;
	char ref[TICK_COL_BUF(32)], status[24], created[40], closed[40];
	long long tid;
	struct tick_q q;
	enum tick_err rc;
	int f;

	if (list == NULL)
		return TICK_ENOMEM;
	json_object_set_new(o, "tickets", list);
	tick_q_init(&q, db, stmts[CT_TICKETS]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &tid);
	tick_q_out_str(&q, ref, sizeof(ref));
	tick_q_out_str(&q, status, sizeof(status));
	tick_q_out_str(&q, created, sizeof(created));
	tick_q_out_str(&q, closed, sizeof(closed));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0 ||
		    (t = json_pack("{s:I, s:s, s:s, s:s, s:o}", "id",
		         (json_int_t)tid, "reference", ref, "status", status,
		         "created_at", created, "closed_at",
		         tick_q_isnull(&q, 4) ? json_null() :
		                                json_string(closed))) == NULL) {
			rc = f < 0 ? TICK_EDB : TICK_ENOMEM;
			break;
		}
		json_array_append_new(list, t);
	}
	tick_q_done(&q);
	return rc;
}

json_t *
tick_contact_json(struct tick_db *db, long long id, int tickets,
    enum tick_err *rc)
{
	struct contact_row *r;
	struct tick_q q;
	json_t *o = NULL;
	int f;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		*rc = TICK_ENOMEM;
		return NULL;
	}
	tick_q_init(&q, db, stmts[CT_GET]);
	tick_q_int(&q, id);
	bind_row(&q, r);
	if ((*rc = tick_q_exec(&q)) == TICK_OK) {
		f = tick_q_fetch(&q);
		if (f == 1)
			o = row_json(&q, r);
		*rc = f == 1 ? (o ? TICK_OK : TICK_ENOMEM) :
		    f == 0   ? TICK_ENOTFOUND :
		               TICK_EDB;
	}
	tick_q_done(&q);
	free(r);
	if (o != NULL && tickets && (*rc = add_tickets(db, o, id)) != TICK_OK) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

static enum tick_err
set_tags(struct tick_db *db, long long id, const struct tick_contact_in *in,
    int replace)
{
	struct tick_q q;
	enum tick_err rc = TICK_OK;

	if (!in->has_tags)
		return TICK_OK;
	if (replace) {
		tick_q_init(&q, db, stmts[CT_TAGS_CLEAR]);
		tick_q_int(&q, id);
		rc = tick_q_run(&q);
	}
	for (size_t i = 0; rc == TICK_OK && i < in->ntags; i++) {
		tick_q_init(&q, db, stmts[CT_TAG_ADD]);
		tick_q_int(&q, id);
		tick_q_str(&q, in->tags[i], (size_t)-1);
		rc = tick_q_run(&q);
	}
	return rc;
}

enum tick_err
tick_contact_create(struct tick_db *db, const struct tick_contact_in *in,
    long long *id)
{
	struct tick_q q;
	enum tick_err rc;

	*id = 0;
	tick_q_init(&q, db, stmts[CT_CREATE]);
	tick_q_str(&q, in->phone, (size_t)-1);
	tick_q_str(&q, in->phone, (size_t)-1);
	tick_q_opt_str(&q, in->name);
	tick_q_opt_str(&q, in->email);
	tick_q_opt_str(&q, in->notes);
	tick_q_opt_str(&q, in->custom_fields);
	tick_q_int(&q, in->opted_out != 0);
	tick_q_int(&q, in->opted_out != 0);
	rc = tick_q_exec(&q);
	*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	if (rc == TICK_OK)
		rc = set_tags(db, *id, in, 1);
	return rc;
}

static enum tick_err
update(struct tick_db *db, long long id, const struct tick_contact_in *in,
    int replace_tags)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[CT_UPDATE]);
	tick_q_int(&q, in->has_phone);
	tick_q_str(&q, in->has_phone ? in->phone : "", (size_t)-1);
	tick_q_int(&q, in->has_phone);
	tick_q_str(&q, in->has_phone ? in->phone : NULL, (size_t)-1);
	tick_q_int(&q, in->has_name);
	tick_q_opt_str(&q, in->has_name ? in->name : NULL);
	tick_q_int(&q, in->has_email);
	tick_q_opt_str(&q, in->has_email ? in->email : NULL);
	tick_q_int(&q, in->has_notes);
	tick_q_opt_str(&q, in->has_notes ? in->notes : NULL);
	tick_q_int(&q, in->has_fields);
	tick_q_int(&q, in->merge_fields);
	tick_q_opt_str(&q, in->has_fields ? in->custom_fields : NULL);
	tick_q_opt_str(&q, in->has_fields ? in->custom_fields : NULL);
	tick_q_int(&q, in->has_opted_out);
	tick_q_int(&q, in->opted_out != 0);
	tick_q_int(&q, in->has_opted_out);
	tick_q_int(&q, in->opted_out != 0);
	tick_q_int(&q, id);
	if ((rc = tick_q_run(&q)) == TICK_OK)
		rc = set_tags(db, id, in, replace_tags);
	return rc;
}

enum tick_err
tick_contact_update(struct tick_db *db, long long id,
    const struct tick_contact_in *in)
{
	return update(db, id, in, 1);
}

enum tick_err
tick_contact_upsert(struct tick_db *db, const struct tick_contact_in *in,
    long long *id, int *created)
{
	struct tick_contact_in keep;
	struct tick_q q;
	enum tick_err rc;

	*created = 0;
	tick_q_init(&q, db, stmts[CT_FIND_PHONE]);
	tick_q_str(&q, in->phone, (size_t)-1);
	tick_q_str(&q, in->phone, (size_t)-1);
	tick_q_str(&q, in->phone, (size_t)-1);
	tick_q_out_int(&q, id);
	rc = tick_q_one(&q);
	if (rc == TICK_ENOTFOUND) {
		*created = 1;
		return tick_contact_create(db, in, id);
	}
	if (rc != TICK_OK)
		return rc;
	/* The number found it: the key stays as it is. */
	keep = *in;
	keep.has_phone = 0;
	return update(db, *id, &keep, 0);
}

static enum tick_err
by_id(struct tick_db *db, enum contacts_stmt s, long long id)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[s]);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

static enum tick_err
pair(struct tick_db *db, enum contacts_stmt s, long long a, long long b,
    long long *n)
{
	struct tick_q q;
	long long dummy;

	tick_q_init(&q, db, stmts[s]);
	tick_q_int(&q, a);
	tick_q_int(&q, b);
	return tick_q_count(&q, n ? n : &dummy);
}

enum tick_err
tick_contact_lock(struct tick_db *db, long long id)
{
	struct tick_q q;
	long long got;

	tick_q_init(&q, db, stmts[CT_LOCK]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &got);
	return tick_q_one(&q);
}

enum tick_err
tick_contact_first_inbound(struct tick_db *db, long long id, int64_t now,
    int *first)
{
	struct tick_q q;
	long long n = 0;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[CT_FIRST_INBOUND]);
	tick_q_int(&q, now);
	tick_q_int(&q, id);
	rc = tick_q_count(&q, &n);
	*first = rc == TICK_OK && n == 1;
	return rc;
}

enum tick_err
tick_contact_delete(struct tick_db *db, long long id)
{
	struct tick_q q;
	long long n = 0;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[CT_IN_USE]);
	tick_q_int(&q, id);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &n);
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc;
	if (n > 0)
		return TICK_ECONFLICT;
	return tick_contact_erase_rows(db, id);
}

enum tick_err
tick_contact_erase_rows(struct tick_db *db, long long id)
{
	enum tick_err rc;

	if ((rc = by_id(db, CT_DELETE_TAGS, id)) == TICK_OK)
		rc = by_id(db, CT_DELETE, id);
	return rc;
}

enum tick_err
tick_contacts_merge(struct tick_db *db, long long keep_id, long long gone_id,
    long long *moved)
{
	char key[TICK_COL_BUF(160)];
	struct tick_q q;
	enum tick_err rc;

	if (moved)
		*moved = 0;
	if (keep_id == gone_id)
		return TICK_EINVAL;
	/* Both locked, in id order. */
	if ((rc = tick_contact_lock(db,
	         keep_id < gone_id ? keep_id : gone_id)) != TICK_OK ||
	    (rc = tick_contact_lock(db,
	         keep_id < gone_id ? gone_id : keep_id)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[CT_MG_KEY]);
	tick_q_int(&q, gone_id);
	tick_q_out_str(&q, key, sizeof(key));
	if ((rc = tick_q_one(&q)) != TICK_OK)
		return rc;
	if ((rc = pair(db, CT_MG_TICKETS, keep_id, gone_id, moved)) !=
	        TICK_OK ||
	    (rc = pair(db, CT_MG_MESSAGES, keep_id, gone_id, NULL)) !=
	        TICK_OK ||
	    (rc = pair(db, CT_MG_TAGS, keep_id, gone_id, NULL)) != TICK_OK ||
	    (rc = pair(db, CT_MG_CARD, gone_id, keep_id, NULL)) != TICK_OK ||
	    (rc = tick_contact_erase_rows(db, gone_id)) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[CT_MG_REKEY]);
	tick_q_str(&q, key, (size_t)-1);
	tick_q_int(&q, keep_id);
	tick_q_str(&q, key, (size_t)-1);
	return tick_q_run(&q);
}

enum tick_err
tick_contact_ticket_ids(struct tick_db *db, long long id, long long *ids,
    size_t max, size_t *n)
{
	struct tick_q q;
	enum tick_err rc;
	long long tid;
	int f;

	*n = 0;
	tick_q_init(&q, db, stmts[CT_TICKET_IDS]);
	tick_q_int(&q, id);
	tick_q_int(&q, id);
	tick_q_int(&q, (long long)max);
	tick_q_out_int(&q, &tid);
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		if (*n < max)
			ids[(*n)++] = tid;
	}
	tick_q_done(&q);
	return rc;
}

/* The export's row buffers. */
struct each_row {
	long long id, opted, tickets;
	char name[TICK_COL_BUF(255)], phone[84], user_id[TICK_COL_BUF(128)],
	    email[TICK_COL_BUF(254)], tags[TICK_TAGS_MAX * 4 * 40],
	    fields[65536], notes[65536], created[40];
};

enum tick_err
tick_contacts_each(struct tick_db *db,
    int (*row)(void *arg, const struct tick_contact_row *r), void *arg,
    int *stopped)
{
	struct each_row *b;
	struct tick_contact_row r;
	struct tick_q q;
	enum tick_err rc;
	int f;

	*stopped = 0;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return TICK_ENOMEM;
	tick_q_init(&q, db, stmts[CT_EACH]);
	tick_q_unbuffered(&q);
	tick_q_out_int(&q, &b->id);
	tick_q_out_str(&q, b->name, sizeof(b->name));
	tick_q_out_str(&q, b->phone, sizeof(b->phone));
	tick_q_out_str(&q, b->user_id, sizeof(b->user_id));
	tick_q_out_str(&q, b->email, sizeof(b->email));
	tick_q_out_str(&q, b->tags, sizeof(b->tags));
	tick_q_out_str(&q, b->fields, sizeof(b->fields));
	tick_q_out_str(&q, b->notes, sizeof(b->notes));
	tick_q_out_int(&q, &b->opted);
	tick_q_out_int(&q, &b->tickets);
	tick_q_out_str(&q, b->created, sizeof(b->created));
	rc = tick_q_exec(&q);
	while (rc == TICK_OK && !*stopped && (f = tick_q_fetch(&q)) != 0) {
		if (f < 0) {
			rc = TICK_EDB;
			break;
		}
		r.id = b->id;
		r.name = b->name;
		r.phone = b->phone;
		r.user_id = b->user_id;
		r.email = b->email;
		r.tags = b->tags;
		r.custom_fields = b->fields;
		r.notes = b->notes;
		r.opted_out = b->opted != 0;
		r.tickets = b->tickets;
		r.created_at = b->created;
		if (row(arg, &r) != 0)
			*stopped = 1;
	}
	tick_q_done(&q);
	free(b);
	return rc;
}

enum tick_err
tick_contact_for_preference(struct tick_db *db, const char *wa_id,
    const char *user_id, long long *id)
{
	char key[TICK_MAX_USER_ID + 8];
	struct tick_q q;
	enum tick_err rc;

	*id = 0;
	if (wa_id == NULL && user_id == NULL)
		return TICK_EINVAL;
	tick_q_init(&q, db, stmts[CT_MK_FIND]);
	tick_q_str(&q, wa_id, (size_t)-1);
	tick_q_str(&q, wa_id, (size_t)-1);
	tick_q_str(&q, wa_id, (size_t)-1);
	tick_q_str(&q, user_id, (size_t)-1);
	tick_q_str(&q, user_id, (size_t)-1);
	tick_q_str(&q, wa_id, (size_t)-1);
	tick_q_out_int(&q, id);
	if ((rc = tick_q_one(&q)) != TICK_ENOTFOUND)
		return rc;
	/* Someone who never wrote: a contact keeps the preference. */
	if (wa_id != NULL)
		snprintf(key, sizeof(key), "%s", wa_id);
	else
		snprintf(key, sizeof(key), "user:%s", user_id);
	tick_q_init(&q, db, stmts[CT_MK_CREATE]);
	tick_q_str(&q, key, (size_t)-1);
	tick_q_str(&q, wa_id, (size_t)-1);
	tick_q_str(&q, user_id, (size_t)-1);
	if ((rc = tick_q_exec(&q)) == TICK_OK)
		*id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_contact_marketing_lock(struct tick_db *db, long long id, int *opted_out,
    long long *pref_at)
{
	long long out = 0;
	struct tick_q q;
	enum tick_err rc;

	*pref_at = 0;
	tick_q_init(&q, db, stmts[CT_MK_LOCK]);
	tick_q_int(&q, id);
	tick_q_out_int(&q, &out);
	tick_q_out_int(&q, pref_at);
	rc = tick_q_one(&q);
	*opted_out = out != 0;
	return rc;
}

enum tick_err
tick_contact_marketing_set(struct tick_db *db, long long id, int change,
    int opted_out, const char *source, long long at)
{
	struct tick_q q;

	tick_q_init(&q, db, stmts[CT_MK_SET]);
	tick_q_int(&q, change != 0);
	tick_q_int(&q, opted_out != 0);
	tick_q_int(&q, at);
	tick_q_int(&q, change != 0);
	tick_q_int(&q, opted_out != 0);
	tick_q_str(&q, source, (size_t)-1);
	tick_q_int(&q, change != 0);
	tick_q_int(&q, opted_out != 0);
	tick_q_int(&q, at);
	tick_q_int(&q, at);
	tick_q_int(&q, id);
	return tick_q_run(&q);
}

enum tick_err
tick_contact_marketing_opted_out(struct tick_db *db, long long id,
    const char *phone, int *opted_out)
{
	long long out = 0;
	struct tick_q q;
	enum tick_err rc;

	*opted_out = 0;
	if (id > 0) {
		tick_q_init(&q, db, stmts[CT_MK_GET]);
		tick_q_int(&q, id);
	} else if (phone != NULL && *phone != '\0') {
		tick_q_init(&q, db, stmts[CT_MK_GET_PHONE]);
		tick_q_str(&q, phone, (size_t)-1);
		tick_q_str(&q, phone, (size_t)-1);
	} else
		return TICK_OK;
	tick_q_out_int(&q, &out);
	rc = tick_q_one(&q);
	*opted_out = out != 0;
	return rc == TICK_ENOTFOUND ? TICK_OK : rc;
}
