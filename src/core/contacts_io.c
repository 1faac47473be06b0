#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assign_rules.h"
#include "contact_rules.h"
#include "contacts.h"
#include "contacts_io.h"
#include "csv.h"
#include "db.h"
#include "log.h"
#include "valid.h"

/* Bytes of the file handed to the reader at a time. */
#define IMPORT_PIECE 65536

enum col {
	COL_IGNORE,
	COL_NAME,
	COL_PHONE,
	COL_EMAIL,
	COL_TAGS,
	COL_NOTES,
	COL_OPTED,
	COL_FIELDS,
	COL_CUSTOM,
};

static const struct {
	const char *name;
	enum col col;
} known[] = {
	{ "name", COL_NAME },
	{ "phone", COL_PHONE },
	{ "email", COL_EMAIL },
	{ "tags", COL_TAGS },
	{ "notes", COL_NOTES },
	{ "opted_out", COL_OPTED },
	{ "custom_fields", COL_FIELDS },
	/* Written by the export, never read back. */
	{ "id", COL_IGNORE },
	{ "whatsapp_user_id", COL_IGNORE },
	{ "tickets", COL_IGNORE },
	{ "created_at", COL_IGNORE },
};

struct import {
	struct tick_db *db;
	int dry_run;
	struct tick_import_result *res;
	int have_header;
	size_t ncols;
	enum col cols[TICK_CSV_FIELDS_MAX];
	char names[TICK_CSV_FIELDS_MAX][TICK_CONTACT_FIELD_NAME_MAX * 4 + 1];
	long long batch; /* rows written in the open transaction */
	int in_tx;
	enum tick_err rc; /* a database failure stops the import */
};

static void
row_error(struct import *im, long line, const char *field, const char *why)
{
	json_t *e;

	im->res->failed++;
	if (json_array_size(im->res->errors) >= TICK_IMPORT_ERRORS_MAX)
		return;
	e = json_pack("{s:I, s:s}", "line", (json_int_t)line, "error", why);
	if (e != NULL && field != NULL)
		json_object_set_new(e, "field", json_string(field));
	if (e != NULL)
		json_array_append_new(im->res->errors, e);
}

/* The header row: which column is what. 0, or -1 with an error. */
static int
read_header(struct import *im, const struct tick_csv_record *r)
{
	int phone = 0;

	if (r->error != NULL) {
		row_error(im, r->line, NULL, r->error);
		return -1;
	}
	im->ncols = r->n;
	for (size_t i = 0; i < r->n; i++) {
		const char *s = r->f[i];
		size_t len = r->len[i], k;

		/* Excel's byte order mark, and spaces around a name. */
		if (i == 0 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3, len -= 3;
		while (len > 0 && isspace((unsigned char)*s))
			s++, len--;
		while (len > 0 && isspace((unsigned char)s[len - 1]))
			len--;
		if (len == 0 || memchr(s, '\0', len) != NULL ||
		    !tick_valid_utf8(s, len) ||
		    tick_valid_utf8_cut(s, len, TICK_CONTACT_FIELD_NAME_MAX,
		        im->names[i], sizeof(im->names[i])) != len) {
			row_error(im, r->line, NULL,
			    "the header row names each column with 1 to 64 "
			    "characters");
			return -1;
		}
		im->cols[i] = COL_CUSTOM;
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strcasecmp(im->names[i], known[k].name) == 0) {
				im->cols[i] = known[k].col;
				break;
			}
		phone |= im->cols[i] == COL_PHONE;
		for (k = 0; k < i; k++)
			if (strcasecmp(im->names[k], im->names[i]) == 0) {
				row_error(im, r->line, im->names[i],
				    "the header row names this column twice");
				return -1;
			}
	}
	if (!phone) {
		row_error(im, r->line, "phone",
		    "the header row has no phone column");
		return -1;
	}
	return 0;
}

/* Reads tags "a, b" into in. NULL, or why not. */
static const char *
read_tags(const char *s, size_t len, struct tick_contact_in *in)
{
	const char *why = NULL;

	in->has_tags = 1;
	while (len > 0) {
		const char *comma = memchr(s, ',', len);
		size_t k = comma ? (size_t)(comma - s) : len;
		const char *t = s;
		size_t j = k;

		/* One tag between commas, spaces around it dropped; an
		 * empty one is skipped. */
		while (j > 0 && isspace((unsigned char)t[j - 1]))
			j--;
		while (j > 0 && isspace((unsigned char)*t))
			t++, j--;
		if (j > 0) {
			if (in->ntags == TICK_TAGS_MAX)
				return "holds more than 20 tags";
			if (tick_tag_normalize(t, j, in->tags[in->ntags],
			        TICK_TAG_BUF, &why) != TICK_OK)
				return why;
			in->ntags++;
		}
		if (comma == NULL)
			break;
		s += k + 1, len -= k + 1;
	}
	return NULL;
}

/* One data row into in (fields in *fields, a new object). NULL, or why
 * not with *field the column. */
static const char *
read_row(struct import *im, const struct tick_csv_record *r,
    struct tick_contact_in *in, char phone[16], json_t *fields,
    const char **field)
{
	const char *why;

	memset(in, 0, sizeof(*in));
	*field = NULL;
	if (r->n > im->ncols)
		return "has more fields than the header row";
	for (size_t i = 0; i < r->n; i++) {
		const char *s = r->f[i];
		size_t len = r->len[i], skip;
		enum col c = im->cols[i];

		*field = im->names[i];
		if (c == COL_IGNORE || len == 0)
			continue;
		if (memchr(s, '\0', len) != NULL || !tick_valid_utf8(s, len))
			return "is not valid UTF-8 text";
		skip = tick_csv_unneutralise(s, len);
		s += skip, len -= skip;
		switch (c) {
		case COL_NAME:
			if (tick_valid_utf8_chars(s) > TICK_CONTACT_NAME_MAX ||
			    strpbrk(s, "\r\n") != NULL)
				return "must be one line of at most 255 "
				       "characters";
			in->name = s, in->has_name = 1;
			break;
		case COL_PHONE:
			if (len > 40 || tick_valid_phone(s, phone) != TICK_OK)
				return "is not a phone number in international "
				       "form (country code and 8 to 15 digits)";
			in->phone = phone, in->has_phone = 1;
			break;
		case COL_EMAIL:
			if (!tick_valid_email(s, TICK_CONTACT_EMAIL_MAX))
				return "is not an e-mail address";
			in->email = s, in->has_email = 1;
			break;
		case COL_TAGS:
			if ((why = read_tags(s, len, in)) != NULL)
				return why;
			break;
		case COL_NOTES:
			if (tick_valid_utf8_chars(s) > TICK_CONTACT_NOTES_MAX)
				return "is longer than 5000 characters";
			in->notes = s, in->has_notes = 1;
			break;
		case COL_OPTED:
			in->has_opted_out = 1;
			if (strcasecmp(s, "1") == 0 ||
			    strcasecmp(s, "true") == 0 ||
			    strcasecmp(s, "yes") == 0)
				in->opted_out = 1;
			else if (strcasecmp(s, "0") != 0 &&
			    strcasecmp(s, "false") != 0 &&
			    strcasecmp(s, "no") != 0)
				return "must be 1, true, yes, 0, false or no";
			break;
		case COL_FIELDS: {
			json_t *o = json_loadb(s, len, JSON_REJECT_DUPLICATES,
			    NULL);

			if (!json_is_object(o)) {
				json_decref(o);
				return "must be a JSON object";
			}
			json_object_update_missing(fields, o);
			json_decref(o);
			break;
		}
		case COL_CUSTOM:
			if (tick_valid_utf8_chars(s) >
			    TICK_CONTACT_FIELD_VALUE_MAX)
				return "is longer than 1000 characters";
			json_object_set_new(fields, im->names[i],
			    json_string(s));
			break;
		case COL_IGNORE: break;
		}
	}
	*field = "phone";
	if (!in->has_phone)
		return "is required";
	*field = "custom_fields";
	if (json_object_size(fields) > 0) {
		if (tick_contact_fields_check(fields, &why) != TICK_OK)
			return why;
		in->has_fields = 1;
		in->merge_fields = 1;
	}
	*field = NULL;
	return NULL;
}

static int
on_record(void *arg, const struct tick_csv_record *r)
{
	struct import *im = arg;
	struct tick_contact_in in;
	char phone[16], *text = NULL;
	const char *why, *field;
	json_t *fields;
	long long id;
	int created;

	if (!im->have_header) {
		if (read_header(im, r) != 0) {
			im->rc = TICK_EINVAL;
			return -1;
		}
		im->have_header = 1;
		return 0;
	}
	im->res->rows++;
	if (r->error != NULL) {
		row_error(im, r->line, NULL, r->error);
		return 0;
	}
	if ((fields = json_object()) == NULL) {
		im->rc = TICK_ENOMEM;
		return -1;
	}
	if ((why = read_row(im, r, &in, phone, fields, &field)) != NULL) {
		row_error(im, r->line, field, why);
		json_decref(fields);
		return 0;
	}
	im->res->valid++;
	if (im->dry_run) {
		json_decref(fields);
		return 0;
	}
	if (in.has_fields &&
	    (text = json_dumps(fields, JSON_COMPACT)) == NULL) {
		json_decref(fields);
		im->rc = TICK_ENOMEM;
		return -1;
	}
	in.custom_fields = text;
	json_decref(fields);
	if (!im->in_tx) {
		if ((im->rc = tick_db_begin(im->db)) != TICK_OK)
			goto out;
		im->in_tx = 1;
	}
	if ((im->rc = tick_contact_upsert(im->db, &in, &id, &created)) !=
	    TICK_OK)
		goto out;
	if (created)
		im->res->created++;
	else
		im->res->updated++;
	if (++im->batch == TICK_IMPORT_BATCH) {
		im->in_tx = 0;
		im->batch = 0;
		im->rc = tick_db_commit(im->db);
	}
out:
	free(text);
	return im->rc == TICK_OK ? 0 : -1;
}

enum tick_err
tick_contacts_import(struct tick_db *db, const char *buf, size_t len,
    int dry_run, struct tick_import_result *res)
{
	struct tick_csv_reader *rd = NULL;
	struct import *im;
	enum tick_err rc;
	int stop = 0;

	memset(res, 0, sizeof(*res));
	if ((res->errors = json_array()) == NULL ||
	    (im = calloc(1, sizeof(*im))) == NULL)
		return TICK_ENOMEM;
	im->db = db;
	im->dry_run = dry_run;
	im->res = res;
	if ((rd = tick_csv_reader_new(on_record, im)) == NULL) {
		rc = TICK_ENOMEM;
		goto out;
	}
	/* In pieces: the reader's memory stays that of one record. */
	for (size_t o = 0; o < len && !stop; o += IMPORT_PIECE)
		stop = tick_csv_reader_feed(rd, buf + o,
		           len - o < IMPORT_PIECE ? len - o : IMPORT_PIECE) !=
		    0;
	if (!stop)
		(void)tick_csv_reader_end(rd);
	if (im->rc == TICK_OK && !im->have_header) {
		row_error(im, 1, NULL,
		    "the file is empty: the header row "
		    "(name, phone, email, tags, ...) is "
		    "missing");
		im->rc = TICK_EINVAL;
	}
	if (im->in_tx) {
		if (im->rc == TICK_OK)
			im->rc = tick_db_commit(db);
		else
			tick_db_rollback(db);
	}
	rc = im->rc;
out:
	tick_csv_reader_free(rd);
	free(im);
	return rc;
}

/* ---- The export. */

struct export
{
	const struct tick_export_sink *sink;
	char *line;
	size_t cap;
};

static size_t
cell(struct export *x, size_t o, const char *s, int last)
{
	size_t len = strlen(s), n;

	if (o + TICK_CSV_FIELD_MAX(len) + 3 > x->cap)
		return x->cap + 1;
	n = tick_csv_field(s, len, x->line + o, x->cap - o);
	o += n;
	if (last) {
		x->line[o++] = '\r';
		x->line[o++] = '\n';
	} else
		x->line[o++] = ',';
	return o;
}

static int
export_row(void *arg, const struct tick_contact_row *r)
{
	struct export *x = arg;
	char id[24], n[24];
	size_t o = 0;

	snprintf(id, sizeof(id), "%lld", r->id);
	snprintf(n, sizeof(n), "%lld", r->tickets);
	o = cell(x, o, id, 0);
	o = o > x->cap ? o : cell(x, o, r->name, 0);
	o = o > x->cap ? o : cell(x, o, r->phone, 0);
	o = o > x->cap ? o : cell(x, o, r->user_id, 0);
	o = o > x->cap ? o : cell(x, o, r->email, 0);
	o = o > x->cap ? o : cell(x, o, r->tags, 0);
	o = o > x->cap ? o : cell(x, o, r->notes, 0);
	o = o > x->cap ? o : cell(x, o, r->opted_out ? "1" : "0", 0);
	o = o > x->cap ? o : cell(x, o, n, 0);
	o = o > x->cap ? o : cell(x, o, r->created_at, 0);
	o = o > x->cap ? o : cell(x, o, r->custom_fields, 1);
	if (o > x->cap) {
		tick_log_warn("%s: contact %lld does not fit a line", __func__,
		    r->id);
		return 0;
	}
	return x->sink->put(x->sink->arg, x->line, o);
}

enum tick_err
tick_contacts_export(struct tick_db *db, int bom,
    const struct tick_export_sink *sink, int *stopped)
{
	struct export x = { sink, NULL, 2 * (3 * 65536 + 8192) + 256 };
	enum tick_err rc;

	*stopped = 0;
	if ((x.line = malloc(x.cap)) == NULL)
		return TICK_ENOMEM;
	if ((bom && sink->put(sink->arg, "\xEF\xBB\xBF", 3) != 0) ||
	    sink->put(sink->arg, TICK_CONTACTS_CSV_HEADER,
	        strlen(TICK_CONTACTS_CSV_HEADER)) != 0) {
		*stopped = 1;
		free(x.line);
		return TICK_OK;
	}
	rc = tick_contacts_each(db, export_row, &x, stopped);
	free(x.line);
	return rc;
}
