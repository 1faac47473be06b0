/*
 * tick: the ticket report as a file (issue 12): CSV (RFC 4180, UTF-8,
 * formula cells neutralised, base/csv), XLSX (libxlsxwriter in
 * constant-memory mode: dates as dates, numbers as numbers, a header with
 * filters) and PDF (libharu: a period report with the headline figures, a
 * table per breakdown, a bar chart and the tickets, text in UTF-8 through
 * an embedded DejaVu Sans). Rows come from store/reports; bytes go to a
 * sink, so the HTTP layer decides how they travel.
 */
#ifndef TICK_EXPORTS_H
#define TICK_EXPORTS_H

#include <stddef.h>

#include "err.h"
#include "tickets.h"

struct tick_config;
struct tick_db;

enum tick_export_format {
	TICK_EXPORT_CSV,
	TICK_EXPORT_XLSX,
	TICK_EXPORT_PDF,
	TICK_EXPORT__MAX
};

/* The most tickets the PDF lists (its figures cover them all). */
#define TICK_EXPORT_PDF_ROWS 2000
/* The font the PDF embeds (Debian's fonts-dejavu-core). */
#define TICK_EXPORT_PDF_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

/* The format named s ("csv", "xlsx", "pdf"): 0, or -1. */
int tick_export_format_find(const char *s, enum tick_export_format *fmt);
/* Its content type. */
const char *tick_export_ctype(enum tick_export_format fmt);

/* "tickets-<from>-<to>.<ext>" ("start" or "now" for a missing bound),
 * only [A-Za-z0-9._-] ("T12:00:00" becomes "T12-00-00"). No I/O. */
void tick_export_file_name(const struct tick_ticket_filters *f,
    enum tick_export_format fmt, char *out, size_t outsz);

/* Where the bytes go: put returns 0, or non-zero when the reader is
 * gone. */
struct tick_export_sink {
	int (*put)(void *arg, const char *buf, size_t len);
	void *arg;
};

/*
 * Writes the report of the tickets f selects (rows of them, counted by the
 * caller; f->tz set) in format fmt to sink; bom starts a CSV with UTF-8's
 * byte order mark (for Excel). *stopped is set when the sink refused
 * bytes. TICK_EDB, TICK_ENOMEM or TICK_ESYS (a library or a temporary
 * file failed) otherwise.
 */
enum tick_err tick_export_write(struct tick_db *db,
    const struct tick_ticket_filters *f, enum tick_export_format fmt,
    long long rows, int bom, const struct tick_config *cfg,
    const struct tick_export_sink *sink, int *stopped);

/*
 * GET /api/tickets/:id/transcript.pdf: ticket id's conversation as a
 * printable PDF (the same font): its report fields, then its timeline in
 * time order (the newest TICK_TIMELINE_MAX items): the customer's messages,
 * replies and tick's notices with their delivery marks, internal notes
 * when notes is set, and links to its files. The caller checked that the
 * user may see the ticket. TICK_ENOTFOUND, TICK_EDB, TICK_ESYS.
 */
enum tick_err tick_export_transcript(struct tick_db *db, long long id,
    int notes, const struct tick_export_sink *sink, int *stopped);

#endif
