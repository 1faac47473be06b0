#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hpdf.h>
#include <xlsxwriter.h>

#include "config.h"
#include "csv.h"
#include "exports.h"
#include "figures.h"
#include "log.h"
#include "report.h"
#include "reports.h"
#include "valid.h"

static const struct {
	const char *name, *ctype;
} formats[TICK_EXPORT__MAX] = {
	[TICK_EXPORT_CSV] = { "csv", "text/csv; charset=utf-8" },
	[TICK_EXPORT_XLSX] = { "xlsx",
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	[TICK_EXPORT_PDF] = { "pdf", "application/pdf" },
};

int
tick_export_format_find(const char *s, enum tick_export_format *fmt)
{
	for (int i = 0; i < TICK_EXPORT__MAX; i++)
		if (strcmp(s, formats[i].name) == 0) {
			*fmt = (enum tick_export_format)i;
			return 0;
		}
	return -1;
}

const char *
tick_export_ctype(enum tick_export_format fmt)
{
	return fmt < TICK_EXPORT__MAX ? formats[fmt].ctype :
	                                "application/octet-stream";
}

/* Appends s to out[*o..], characters outside [A-Za-z0-9._-] as '-'. */
static void
name_part(const char *s, char *out, size_t outsz, size_t *o)
{
	for (; *s && *o + 1 < outsz; s++)
		out[(*o)++] = (*s >= 'A' && *s <= 'Z') ||
		        (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		        *s == '.' || *s == '_' || *s == '-' ?
		    *s :
		    '-';
	out[*o] = '\0';
}

void
tick_export_file_name(const struct tick_ticket_filters *f,
    enum tick_export_format fmt, char *out, size_t outsz)
{
	size_t o = 0;

	if (outsz == 0)
		return;
	out[0] = '\0';
	name_part("tickets-", out, outsz, &o);
	name_part(f->from[0] ? f->from : "start", out, outsz, &o);
	name_part("-", out, outsz, &o);
	name_part(f->to[0] ? f->to : "now", out, outsz, &o);
	name_part(".", out, outsz, &o);
	name_part(fmt < TICK_EXPORT__MAX ? formats[fmt].name : "bin", out,
	    outsz, &o);
}

/* ---- CSV: one line per row, as the rows come. */

struct csv {
	const struct tick_export_sink *sink;
	char *line;
	size_t cap;
};

static size_t
csv_text(struct csv *c, size_t o, const char *s)
{
	size_t n = strlen(s);

	if (o > 0 && o < c->cap)
		c->line[o] = ',';
	o += o > 0;
	return o +
	    tick_csv_field(s, n, o < c->cap ? c->line + o : c->line,
	        o < c->cap ? c->cap - o : 0);
}

static size_t
csv_num(struct csv *c, size_t o, long long v)
{
	char buf[24] = "";

	/* An absent duration is an empty cell, not -1. */
	if (v >= 0)
		snprintf(buf, sizeof(buf), "%lld", v);
	return csv_text(c, o, buf);
}

static int
csv_row(void *arg, const struct tick_report_row *r)
{
	struct csv *c = arg;
	size_t o = 0;

	o = csv_text(c, o, r->reference);
	o = csv_text(c, o, r->created);
	o = csv_text(c, o, r->site);
	o = csv_text(c, o, r->subsite);
	o = csv_text(c, o, r->category);
	o = csv_text(c, o, r->observation_type);
	o = csv_text(c, o, r->severity);
	o = csv_text(c, o, r->status);
	o = csv_text(c, o, r->source);
	o = csv_text(c, o, r->holder);
	o = csv_text(c, o, r->customer);
	o = csv_text(c, o, r->first_response);
	o = csv_text(c, o, r->closed);
	o = csv_num(c, o, r->first_response_seconds);
	o = csv_num(c, o, r->resolution_seconds);
	o = csv_num(c, o, r->messages_in);
	o = csv_num(c, o, r->messages_out);
	o = csv_num(c, o, r->billable_messages);
	o = csv_text(c, o, r->last_message);
	if (o + 2 > c->cap) {
		/* Cannot happen with the row's sizes; never a cut line. */
		tick_log_err("%s: a row of %zu bytes", __func__, o);
		return -1;
	}
	c->line[o++] = '\r';
	c->line[o++] = '\n';
	return c->sink->put(c->sink->arg, c->line, o);
}

static enum tick_err
write_csv(struct tick_db *db, const struct tick_ticket_filters *f,
    long long rows, int bom, const struct tick_export_sink *sink, int *stopped)
{
	/* The longest row: every text column doubled, quoted, separated. */
	struct csv c = { sink, NULL, 2 * sizeof(struct tick_report_row) + 256 };
	size_t o = 0;
	enum tick_err rc;

	if ((c.line = malloc(c.cap)) == NULL)
		return TICK_ENOMEM;
	if (bom && sink->put(sink->arg, "\xef\xbb\xbf", 3) != 0) {
		*stopped = 1;
		free(c.line);
		return TICK_OK;
	}
	for (size_t i = 0; i < tick_report_ncolumns; i++)
		o = csv_text(&c, o, tick_report_columns[i]);
	c.line[o++] = '\r';
	c.line[o++] = '\n';
	if (sink->put(sink->arg, c.line, o) != 0) {
		*stopped = 1;
		free(c.line);
		return TICK_OK;
	}
	rc = tick_reports_each(db, f, rows, csv_row, &c, stopped);
	free(c.line);
	return rc;
}

/* ---- XLSX: a temporary file in constant-memory mode, then its bytes. */

struct xlsx {
	lxw_worksheet *ws;
	lxw_format *date;
	lxw_row_t row;
	int failed;
};

/* "YYYY-MM-DD HH:MM:SS" as a date cell, "" as an empty one. */
static void
xlsx_date(struct xlsx *x, lxw_col_t col, const char *s)
{
	lxw_datetime dt;
	int y, mo, d, h, mi, se, n = 0;

	/* Every field bounded and checked; anything else is an empty cell. */
	if (strlen(s) != 19 ||
	    sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se,
	        &n) != 6 ||
	    n != 19 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60 || h < 0 || mi < 0 || se < 0)
		return;
	dt.year = y, dt.month = mo, dt.day = d, dt.hour = h, dt.min = mi;
	dt.sec = se;
	if (worksheet_write_datetime(x->ws, x->row, col, &dt, x->date) !=
	    LXW_NO_ERROR)
		x->failed = 1;
}

static void
xlsx_text(struct xlsx *x, lxw_col_t col, const char *s)
{
	/* A string cell is never a formula: nothing to neutralise. */
	if (s[0] != '\0' &&
	    worksheet_write_string(x->ws, x->row, col, s, NULL) != LXW_NO_ERROR)
		x->failed = 1;
}

static void
xlsx_num(struct xlsx *x, lxw_col_t col, long long v)
{
	if (v >= 0 &&
	    worksheet_write_number(x->ws, x->row, col, (double)v, NULL) !=
	        LXW_NO_ERROR)
		x->failed = 1;
}

static int
xlsx_row(void *arg, const struct tick_report_row *r)
{
	struct xlsx *x = arg;

	x->row++;
	xlsx_text(x, 0, r->reference);
	xlsx_date(x, 1, r->created);
	xlsx_text(x, 2, r->site);
	xlsx_text(x, 3, r->subsite);
	xlsx_text(x, 4, r->category);
	xlsx_text(x, 5, r->observation_type);
	xlsx_text(x, 6, r->severity);
	xlsx_text(x, 7, r->status);
	xlsx_text(x, 8, r->source);
	xlsx_text(x, 9, r->holder);
	xlsx_text(x, 10, r->customer);
	xlsx_date(x, 11, r->first_response);
	xlsx_date(x, 12, r->closed);
	xlsx_num(x, 13, r->first_response_seconds);
	xlsx_num(x, 14, r->resolution_seconds);
	xlsx_num(x, 15, r->messages_in);
	xlsx_num(x, 16, r->messages_out);
	xlsx_num(x, 17, r->billable_messages);
	xlsx_text(x, 18, r->last_message);
	return x->failed ? -1 : 0;
}

/* Sends file path to sink in pieces; 0, or -1 when the sink refused. */
static enum tick_err
send_file(const char *path, const struct tick_export_sink *sink, int *stopped)
{
	char buf[16384];
	FILE *fp = fopen(path, "rb");
	size_t n;
	enum tick_err rc = TICK_OK;

	if (fp == NULL)
		return TICK_ESYS;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		if (sink->put(sink->arg, buf, n) != 0) {
			*stopped = 1;
			break;
		}
	if (ferror(fp))
		rc = TICK_ESYS;
	fclose(fp);
	return rc;
}

static const char *
tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

static enum tick_err
write_xlsx(struct tick_db *db, const struct tick_ticket_filters *f,
    long long rows, const struct tick_export_sink *sink, int *stopped)
{
	char path[512];
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE,
		.tmpdir = NULL,
		.use_zip64 = LXW_TRUE };
	lxw_workbook *wb = NULL;
	lxw_format *bold;
	struct xlsx x = { NULL, NULL, 0, 0 };
	enum tick_err rc = TICK_ESYS;
	int fd, n, inner = 0;

	n = snprintf(path, sizeof(path), "%s/tick-export-XXXXXX", tmpdir());
	if (n < 0 || (size_t)n >= sizeof(path) || (fd = mkstemp(path)) < 0)
		return TICK_ESYS;
	close(fd);
	opt.tmpdir = (char *)tmpdir();
	if ((wb = workbook_new_opt(path, &opt)) == NULL ||
	    (x.ws = workbook_add_worksheet(wb, "Tickets")) == NULL ||
	    (bold = workbook_add_format(wb)) == NULL ||
	    (x.date = workbook_add_format(wb)) == NULL)
		goto out;
	format_set_bold(bold);
	format_set_num_format(x.date, "yyyy-mm-dd hh:mm:ss");
	for (size_t i = 0; i < tick_report_ncolumns; i++)
		if (worksheet_write_string(x.ws, 0, (lxw_col_t)i,
		        tick_report_columns[i], bold) != LXW_NO_ERROR)
			goto out;
	worksheet_set_column(x.ws, 0, 0, 14, NULL);
	worksheet_set_column(x.ws, 1, 1, 19, NULL);
	worksheet_set_column(x.ws, 11, 12, 19, NULL);
	/* The header's filters over every row (the rows were counted). */
	if (worksheet_autofilter(x.ws, 0, 0, (lxw_row_t)(rows > 0 ? rows : 1),
	        (lxw_col_t)(tick_report_ncolumns - 1)) != LXW_NO_ERROR)
		goto out;
	worksheet_freeze_panes(x.ws, 1, 0);
	if ((rc = tick_reports_each(db, f, rows, xlsx_row, &x, &inner)) !=
	    TICK_OK)
		goto out;
	if (x.failed) {
		rc = TICK_ESYS;
		goto out;
	}
	n = (int)workbook_close(wb);
	wb = NULL;
	if (n != LXW_NO_ERROR) {
		tick_log_err("%s: %s", __func__, lxw_strerror((lxw_error)n));
		rc = TICK_ESYS;
		goto out;
	}
	rc = send_file(path, sink, stopped);
out:
	if (wb != NULL)
		workbook_close(wb);
	unlink(path);
	return rc;
}

/* ---- PDF: the period's figures, then its tickets. */

struct pdf {
	HPDF_Doc doc;
	HPDF_Page page;
	HPDF_Font font;
	float y;
	int failed;
	long long listed;
};

#define PDF_W 842.0f /* A4 landscape */
#define PDF_H 595.0f
#define PDF_M 36.0f

static void
pdf_error(HPDF_STATUS err, HPDF_STATUS detail, void *arg)
{
	struct pdf *p = arg;

	tick_log_err("pdf_error: libharu error 0x%04x (%u)", (unsigned)err,
	    (unsigned)detail);
	p->failed = 1;
}

static void
pdf_page(struct pdf *p)
{
	p->page = HPDF_AddPage(p->doc);
	HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_LANDSCAPE);
	p->y = PDF_H - PDF_M;
}

/* Text at x on the current line, cut to chars characters. */
static void
pdf_text(struct pdf *p, float x, float size, const char *s, size_t chars)
{
	char cut[512];

	tick_valid_utf8_cut(s, strlen(s), chars, cut, sizeof(cut));
	HPDF_Page_BeginText(p->page);
	HPDF_Page_SetFontAndSize(p->page, p->font, size);
	HPDF_Page_TextOut(p->page, x, p->y, cut);
	HPDF_Page_EndText(p->page);
}

/* Moves down by h, on a new page when the page is full. */
static void
pdf_line(struct pdf *p, float h)
{
	p->y -= h;
	if (p->y < PDF_M)
		pdf_page(p);
}

/* A table of a breakdown: label, total, open, closed, median response. */
static void
pdf_table(struct pdf *p, const char *title, json_t *items)
{
	static const float xs[] = { PDF_M, 320, 390, 460, 530, 640 };
	size_t i;
	json_t *it;
	char buf[6][64];

	pdf_line(p, 24);
	pdf_text(p, PDF_M, 13, title, 80);
	pdf_line(p, 16);
	pdf_text(p, xs[0], 9, "", 10);
	{
		static const char *const head[] = { "", "total", "open",
			"closed", "response median s", "resolution median s" };
		for (int k = 1; k < 6; k++)
			pdf_text(p, xs[k], 9, head[k], 24);
	}
	json_array_foreach (items, i, it) {
		const char *label = json_string_value(
		    json_object_get(it, "label"));

		pdf_line(p, 13);
		snprintf(buf[1], sizeof(buf[1]), "%lld",
		    (long long)json_integer_value(
		        json_object_get(it, "total")));
		snprintf(buf[2], sizeof(buf[2]), "%lld",
		    (long long)json_integer_value(json_object_get(it, "open")));
		snprintf(buf[3], sizeof(buf[3]), "%lld",
		    (long long)json_integer_value(
		        json_object_get(it, "closed")));
		snprintf(buf[4], sizeof(buf[4]), "%.0f",
		    json_real_value(
		        json_object_get(json_object_get(it, "first_response"),
		            "median")));
		snprintf(buf[5], sizeof(buf[5]), "%.0f",
		    json_real_value(
		        json_object_get(json_object_get(it, "resolution"),
		            "median")));
		pdf_text(p, xs[0], 9, label && *label ? label : "(none)", 50);
		for (int k = 1; k < 6; k++)
			pdf_text(p, xs[k], 9, buf[k], 20);
	}
}

/* A bar per item of the breakdown, drawn with libharu's primitives. */
static void
pdf_bars(struct pdf *p, const char *title, json_t *items)
{
	long long max = 1;
	size_t i, n = json_array_size(items);
	json_t *it;
	float h = 14, top;
	char num[24];

	json_array_foreach (items, i, it) {
		long long v = json_integer_value(json_object_get(it, "total"));
		if (v > max)
			max = v;
	}
	if (p->y - (float)n * h - 40 < PDF_M)
		pdf_page(p);
	pdf_line(p, 24);
	pdf_text(p, PDF_M, 13, title, 80);
	top = p->y - 8;
	json_array_foreach (items, i, it) {
		long long v = json_integer_value(json_object_get(it, "total"));
		const char *label = json_string_value(
		    json_object_get(it, "label"));
		float w = 400.0f * (float)v / (float)max;

		p->y = top - (float)(i + 1) * h;
		pdf_text(p, PDF_M, 8, label && *label ? label : "(none)", 40);
		HPDF_Page_SetRGBFill(p->page, 0.18f, 0.45f, 0.7f);
		HPDF_Page_Rectangle(p->page, 250, p->y - 2, w > 0.5f ? w : 0.5f,
		    h - 4);
		HPDF_Page_Fill(p->page);
		HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
		snprintf(num, sizeof(num), "%lld", v);
		pdf_text(p, 256 + w, 8, num, 20);
	}
}

static int
pdf_row(void *arg, const struct tick_report_row *r)
{
	static const float xs[] = { PDF_M, 120, 215, 330, 450, 510, 580, 690 };
	struct pdf *p = arg;

	if (p->listed >= TICK_EXPORT_PDF_ROWS)
		return 0;
	p->listed++;
	pdf_line(p, 12);
	pdf_text(p, xs[0], 8, r->reference, 16);
	pdf_text(p, xs[1], 8, r->created, 19);
	pdf_text(p, xs[2], 8, r->site, 22);
	pdf_text(p, xs[3], 8, r->category, 24);
	pdf_text(p, xs[4], 8, r->severity, 10);
	pdf_text(p, xs[5], 8, r->status, 12);
	pdf_text(p, xs[6], 8, r->customer, 22);
	pdf_text(p, xs[7], 8, r->holder, 22);
	return p->failed ? -1 : 0;
}

/* Draws the PDF into p->doc. */
static enum tick_err
pdf_draw(struct tick_db *db, const struct tick_ticket_filters *f,
    long long rows, struct pdf *p)
{
	static const enum tick_figures_group groups[] = { TICK_FIGURES_CATEGORY,
		TICK_FIGURES_SITE, TICK_FIGURES_SEVERITY, TICK_FIGURES_AGENT };
	static const char *const titles[] = { "By category", "By site",
		"By severity", "By agent" };
	struct tick_reports_headline h;
	struct tick_figures_times fr, res;
	char line[256];
	json_t *items = NULL;
	enum tick_err rc;
	int inner = 0;

	if ((rc = tick_reports_headline(db, f, &h)) != TICK_OK ||
	    (rc = tick_reports_times(db, f, TICK_REPORTS_FIRST_RESPONSE,
	         &fr)) != TICK_OK ||
	    (rc = tick_reports_times(db, f, TICK_REPORTS_RESOLUTION, &res)) !=
	        TICK_OK)
		return rc;
	pdf_page(p);
	pdf_text(p, PDF_M, 18, "Tickets report", 40);
	pdf_line(p, 20);
	snprintf(line, sizeof(line), "From %s to %s, times in %s",
	    f->from[0] ? f->from : "the start", f->to[0] ? f->to : "now",
	    f->tz);
	pdf_text(p, PDF_M, 10, line, 120);
	pdf_line(p, 22);
	snprintf(line, sizeof(line),
	    "Created %lld   open %lld   closed %lld   unassigned %lld   "
	    "critical open %lld   overdue actions %lld",
	    h.created, h.open, h.closed, h.unassigned, h.critical_open,
	    h.overdue_actions);
	pdf_text(p, PDF_M, 11, line, 140);
	pdf_line(p, 16);
	snprintf(line, sizeof(line),
	    "First response: average %.0f s, median %.0f s, 90th percentile "
	    "%.0f s (%lld tickets)",
	    fr.average, fr.median, fr.p90, fr.count);
	pdf_text(p, PDF_M, 10, line, 140);
	pdf_line(p, 14);
	snprintf(line, sizeof(line),
	    "Resolution: average %.0f s, median %.0f s, 90th percentile %.0f "
	    "s (%lld tickets)",
	    res.average, res.median, res.p90, res.count);
	pdf_text(p, PDF_M, 10, line, 140);
	if (fr.histogram || res.histogram) {
		pdf_line(p, 14);
		pdf_text(p, PDF_M, 9,
		    "Medians and 90th percentiles estimated from histograms, "
		    "within 3.125%",
		    140);
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if ((rc = tick_reports_series(db, f, groups[i], 1, &items,
		         NULL)) != TICK_OK)
			return rc;
		pdf_table(p, titles[i], items);
		if (i == 0)
			pdf_bars(p, "Reports per category", items);
		json_decref(items);
		items = NULL;
	}
	pdf_page(p);
	snprintf(line, sizeof(line), "Tickets (%lld%s)",
	    rows < TICK_EXPORT_PDF_ROWS ? rows :
	                                  (long long)TICK_EXPORT_PDF_ROWS,
	    rows > TICK_EXPORT_PDF_ROWS ? ", the oldest first; the CSV and "
	                                  "XLSX exports hold them all" :
	                                  "");
	pdf_text(p, PDF_M, 13, line, 140);
	pdf_line(p, 16);
	{
		static const float xs[] = { PDF_M, 120, 215, 330, 450, 510, 580,
			690 };
		static const char *const head[] = { "reference", "created",
			"site", "category", "severity", "status", "customer",
			"holder" };
		for (int k = 0; k < 8; k++)
			pdf_text(p, xs[k], 8, head[k], 20);
	}
	rc = tick_reports_each(db, f,
	    rows < TICK_EXPORT_PDF_ROWS ? rows : TICK_EXPORT_PDF_ROWS, pdf_row,
	    p, &inner);
	return rc == TICK_OK && p->failed ? TICK_ESYS : rc;
}

/* ---- A ticket's transcript */

/* Writes text at x from the current line, wrapped at chars characters a
 * line (at a space when there is one), a line per '\n'. */
static void
pdf_wrapped(struct pdf *p, float x, float size, const char *text, size_t chars)
{
	char line[1024];
	const char *s = text;

	while (*s) {
		size_t n = strcspn(s, "\n"), take = n, cut;

		/* The piece that fits, cut back to its last space. */
		cut = tick_valid_utf8_cut(s, n, chars, line, sizeof(line));
		if (cut < n) {
			char *sp = strrchr(line, ' ');

			if (sp != NULL && sp > line + 8) {
				*sp = '\0';
				cut = (size_t)(sp - line) + 1;
			}
			take = cut;
		}
		/* Never stuck on a byte that is not a character. */
		if (take == 0 && n > 0)
			take = 1;
		pdf_line(p, size + 4);
		pdf_text(p, x, size, line, chars);
		s += take;
		if (take == n && *s == '\n')
			s++;
	}
}

static const char *
str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

/* "✓ sent", "✓✓ read", "failed 131026 title", ...: an outbound message's
 * delivery mark; "" for an inbound one. */
static void
delivery_mark(json_t *wa, char *out, size_t outsz)
{
	const char *st = str(wa, "status");

	out[0] = '\0';
	if (wa == NULL || strcmp(str(wa, "direction"), "out") != 0)
		return;
	if (strcmp(st, "sent") == 0)
		snprintf(out, outsz, "\xe2\x9c\x93 sent");
	else if (strcmp(st, "delivered") == 0)
		snprintf(out, outsz, "\xe2\x9c\x93\xe2\x9c\x93 delivered");
	else if (strcmp(st, "read") == 0 || strcmp(st, "played") == 0)
		snprintf(out, outsz, "\xe2\x9c\x93\xe2\x9c\x93 %s", st);
	else if (strcmp(st, "failed") == 0)
		snprintf(out, outsz, "failed %lld %s",
		    (long long)json_integer_value(
		        json_object_get(wa, "error_code")),
		    str(wa, "error_title"));
	else
		snprintf(out, outsz, "%s", st);
}

static enum tick_err
transcript_draw(struct pdf *p, json_t *t, int notes)
{
	json_t *tl = json_object_get(t, "timeline"), *it, *files;
	char line[600], mark[300];
	const char *who;
	size_t i;

	pdf_page(p);
	snprintf(line, sizeof(line), "Transcript of %s", str(t, "reference"));
	pdf_text(p, PDF_M, 18, line, 60);
	pdf_line(p, 20);
	snprintf(line, sizeof(line),
	    "Customer: %s    Status: %s    Created: %s", str(t, "name"),
	    str(t, "status"), str(t, "created_at"));
	pdf_text(p, PDF_M, 10, line, 140);
	pdf_line(p, 14);
	snprintf(line, sizeof(line),
	    "Site: %s    Category: %s    Severity: %s    Closed: %s",
	    str(json_object_get(t, "site"), "name"), str(t, "category"),
	    str(t, "severity"), str(t, "closed_at"));
	pdf_text(p, PDF_M, 10, line, 140);
	if (json_is_true(json_object_get(t, "timeline_has_older"))) {
		pdf_line(p, 14);
		pdf_text(p, PDF_M, 9,
		    "Older items are left out: the newest " TICK_STR(
		        TICK_TIMELINE_MAX) " are shown.",
		    140);
	}
	pdf_line(p, 10);
	json_array_foreach (tl, i, it) {
		json_t *wa = json_object_get(it, "whatsapp");
		int note = json_is_true(json_object_get(it, "internal"));

		if (note && !notes)
			continue;
		who = str(it, "author");
		if (json_is_object(json_object_get(it, "user")))
			who = str(json_object_get(it, "user"), "name");
		delivery_mark(wa, mark, sizeof(mark));
		snprintf(line, sizeof(line), "%s  %s%s%s%s",
		    str(it, "created_at"), who, note ? " (internal note)" : "",
		    mark[0] ? "  " : "", mark);
		pdf_line(p, 10);
		pdf_text(p, PDF_M, 8, line, 160);
		pdf_wrapped(p, PDF_M + 12, 10, str(it, "text"), 120);
	}
	files = json_object_get(t, "attachments");
	if (json_array_size(files) > 0) {
		pdf_line(p, 18);
		pdf_text(p, PDF_M, 12, "Files", 40);
		json_array_foreach (files, i, it) {
			snprintf(line, sizeof(line), "%s  %s",
			    str(it, "file_name")[0] ? str(it, "file_name") :
			                              str(it, "mime_type"),
			    str(it, "secure_url")[0] ? str(it, "secure_url") :
			                               str(it, "state"));
			pdf_wrapped(p, PDF_M, 9, line, 150);
		}
	}
	return p->failed ? TICK_ESYS : TICK_OK;
}

/* Saves the document into sink. */
static enum tick_err
pdf_send(struct pdf *p, const struct tick_export_sink *sink, int *stopped)
{
	HPDF_BYTE buf[16384];

	if (p->failed || HPDF_SaveToStream(p->doc) != HPDF_OK)
		return TICK_ESYS;
	HPDF_ResetStream(p->doc);
	for (;;) {
		HPDF_UINT32 n = sizeof(buf);
		HPDF_STATUS st = HPDF_ReadFromStream(p->doc, buf, &n);

		if (n > 0 && sink->put(sink->arg, (const char *)buf, n) != 0) {
			*stopped = 1;
			return TICK_OK;
		}
		if (st == HPDF_STREAM_EOF)
			return TICK_OK;
		if (st != HPDF_OK)
			return TICK_ESYS;
	}
}

/* A document with the font loaded, or NULL. */
static int
pdf_open(struct pdf *p)
{
	const char *name;

	memset(p, 0, sizeof(*p));
	if ((p->doc = HPDF_New(pdf_error, p)) == NULL)
		return -1;
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	/* UTF-8 text through an embedded TrueType font. */
	if (HPDF_UseUTFEncodings(p->doc) != HPDF_OK ||
	    (name = HPDF_LoadTTFontFromFile(p->doc, TICK_EXPORT_PDF_FONT,
	         HPDF_TRUE)) == NULL ||
	    (p->font = HPDF_GetFont(p->doc, name, "UTF-8")) == NULL) {
		tick_log_err("%s: cannot load %s", __func__,
		    TICK_EXPORT_PDF_FONT);
		HPDF_Free(p->doc);
		p->doc = NULL;
		return -1;
	}
	return 0;
}

enum tick_err
tick_export_transcript(struct tick_db *db, long long id, int notes,
    const struct tick_export_sink *sink, int *stopped)
{
	struct tick_timeline_page page = { TICK_TIMELINE_MAX, 0, 0 };
	struct pdf p;
	enum tick_err rc = TICK_OK;
	json_t *t;

	*stopped = 0;
	if ((t = tick_ticket_json_page(db, id, &page, &rc)) == NULL)
		return rc != TICK_OK ? rc : TICK_ENOMEM;
	if (pdf_open(&p) != 0) {
		json_decref(t);
		return TICK_ESYS;
	}
	if ((rc = transcript_draw(&p, t, notes)) == TICK_OK)
		rc = pdf_send(&p, sink, stopped);
	HPDF_Free(p.doc);
	json_decref(t);
	return rc;
}

static enum tick_err
write_pdf(struct tick_db *db, const struct tick_ticket_filters *f,
    long long rows, const struct tick_export_sink *sink, int *stopped)
{
	struct pdf p;
	enum tick_err rc;

	if (pdf_open(&p) != 0)
		return TICK_ESYS;
	if ((rc = pdf_draw(db, f, rows, &p)) == TICK_OK)
		rc = pdf_send(&p, sink, stopped);
	HPDF_Free(p.doc);
	return rc;
}

enum tick_err
tick_export_write(struct tick_db *db, const struct tick_ticket_filters *f,
    enum tick_export_format fmt, long long rows, int bom,
    const struct tick_config *cfg, const struct tick_export_sink *sink,
    int *stopped)
{
	(void)cfg;
	*stopped = 0;
	switch (fmt) {
	case TICK_EXPORT_CSV: return write_csv(db, f, rows, bom, sink, stopped);
	case TICK_EXPORT_XLSX: return write_xlsx(db, f, rows, sink, stopped);
	case TICK_EXPORT_PDF: return write_pdf(db, f, rows, sink, stopped);
	default: return TICK_EINVAL;
	}
}
