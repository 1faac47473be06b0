#include <stdio.h>
#include <string.h>

#include "db.h"
#include "bounds.h"
#include "tickets.h"
#include "valid.h"

enum ticket_stmt {
	TK_OPEN_BY_MOBILE,
	TK_OPEN_BY_CONTACT,
	TK_CREATE_WA,
	TK_SET_REF,
	TK_REPLY_CUSTOMER,
	TK_TOUCH_CUSTOMER,
	TK_STMT__MAX
};

static const char *const stmts[TK_STMT__MAX] = {
	[TK_OPEN_BY_MOBILE] =
	    "SELECT id, reference FROM tickets WHERE mobile = ? AND status <> 'closed'"
	    " AND deleted_at IS NULL ORDER BY id DESC LIMIT 1 FOR UPDATE",
	[TK_OPEN_BY_CONTACT] =
	    "SELECT id, reference FROM tickets WHERE contact_id = ? AND status <> 'closed'"
	    " AND deleted_at IS NULL ORDER BY id DESC LIMIT 1 FOR UPDATE",
	[TK_CREATE_WA] =
	    "INSERT INTO tickets (name, mobile, description, status, whatsapp_enabled,"
	    " whatsapp_notifications, source, contact_id, last_customer_message_at)"
	    " VALUES (?, ?, ?, 'new', 1, 1, 'whatsapp', ?, NOW(3))",
	[TK_SET_REF] = "UPDATE tickets SET reference = ? WHERE id = ?",
	[TK_REPLY_CUSTOMER] =
	    "INSERT INTO replies (ticket_id, message, replied_by, author, message_id)"
	    " VALUES (?, ?, 'customer', 'customer', ?)",
	[TK_TOUCH_CUSTOMER] =
	    "UPDATE tickets SET last_customer_message_at = NOW(3),"
	    " contact_id = COALESCE(contact_id, ?) WHERE id = ?",
};

enum tick_err
tick_ticket_format_ref(const char *prefix, long long id, char *out,
    size_t outsz)
{
	int n = snprintf(out, outsz, "%s-%06lld", prefix, id);

	return n < 0 || (size_t)n >= outsz ? TICK_ETOOBIG : TICK_OK;
}

enum tick_err
tick_ticket_find_open(struct tick_db *db, const char *mobile,
    long long contact_id, struct tick_ticket_ref *out)
{
	struct tick_q q;
	enum tick_err rc;
	int r;

	memset(out, 0, sizeof(*out));
	if (mobile != NULL && *mobile != '\0') {
		tick_q_init(&q, db, stmts[TK_OPEN_BY_MOBILE]);
		tick_q_str(&q, mobile, (size_t)-1);
	} else {
		tick_q_init(&q, db, stmts[TK_OPEN_BY_CONTACT]);
		tick_q_int(&q, contact_id);
	}
	tick_q_out_int(&q, &out->id);
	tick_q_out_str(&q, out->reference, sizeof(out->reference));
	if ((rc = tick_q_exec(&q)) == TICK_OK) {
		r = tick_q_fetch(&q);
		rc = r == 1 ? TICK_OK : r == 0 ? TICK_ENOTFOUND : TICK_EDB;
	}
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_ticket_create_wa(struct tick_db *db, const char *prefix, const char *name,
    const char *mobile, long long contact_id, const char *text,
    struct tick_ticket_ref *out)
{
	char cut[TICK_TICKET_NAME_MAX * 4 + 1], fallback[64];
	struct tick_q q;
	enum tick_err rc;

	memset(out, 0, sizeof(*out));
	if (name == NULL || *name == '\0') {
		snprintf(fallback, sizeof(fallback), "WhatsApp %s%s",
		    mobile ? "+" : "customer", mobile ? mobile : "");
		name = fallback;
	}
	tick_valid_utf8_cut(name, strlen(name), TICK_TICKET_NAME_MAX, cut,
	    sizeof(cut));
	tick_q_init(&q, db, stmts[TK_CREATE_WA]);
	tick_q_str(&q, cut, (size_t)-1);
	tick_q_str(&q, mobile, (size_t)-1);
	tick_q_str(&q, text, (size_t)-1);
	tick_q_int(&q, contact_id);
	rc = tick_q_exec(&q);
	out->id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	if ((rc = tick_ticket_format_ref(prefix, out->id, out->reference,
	         sizeof(out->reference))) != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[TK_SET_REF]);
	tick_q_str(&q, out->reference, (size_t)-1);
	tick_q_int(&q, out->id);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_ticket_add_customer_reply(struct tick_db *db, long long ticket_id,
    long long contact_id, const char *text, long long message_id,
    long long *reply_id)
{
	struct tick_q q;
	enum tick_err rc;

	tick_q_init(&q, db, stmts[TK_REPLY_CUSTOMER]);
	tick_q_int(&q, ticket_id);
	tick_q_str(&q, text, (size_t)-1);
	tick_q_int(&q, message_id);
	rc = tick_q_exec(&q);
	*reply_id = (long long)tick_q_insert_id(&q);
	tick_q_done(&q);
	if (rc != TICK_OK)
		return rc;
	tick_q_init(&q, db, stmts[TK_TOUCH_CUSTOMER]);
	tick_q_int(&q, contact_id);
	tick_q_int(&q, ticket_id);
	rc = tick_q_exec(&q);
	tick_q_done(&q);
	return rc;
}

enum tick_err
tick_ticket_render_text(const char *tmpl, const char *ref, char *out,
    size_t outsz)
{
	size_t o = 0, rlen = strlen(ref);

	if (outsz == 0)
		return TICK_ETOOBIG;
	for (const char *p = tmpl; *p != '\0'; p++) {
		if (strncmp(p, "{ref}", 5) == 0) {
			if (o + rlen >= outsz)
				return TICK_ETOOBIG;
			memcpy(out + o, ref, rlen);
			o += rlen;
			p += 4;
			continue;
		}
		if (o + 1 >= outsz)
			return TICK_ETOOBIG;
		out[o++] = *p;
	}
	out[o] = '\0';
	return TICK_OK;
}
