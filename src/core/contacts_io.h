/*
 * tick: contacts in and out as CSV (issue 13). The import reads a file
 * through base/csv's reader (libcsv) in pieces, checks each row, and
 * upserts the good ones by phone in transactions of
 * TICK_IMPORT_BATCH rows; a row in error is reported by its line with the
 * reason and the others are kept. The export writes every contact as
 * one CSV row (cells neutralised by base/csv) to a sink as the rows come
 * from the database.
 */
#ifndef TICK_CONTACTS_IO_H
#define TICK_CONTACTS_IO_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "exports.h"

struct tick_db;

#define TICK_IMPORT_BATCH 500
/* Rows in error the answer lists (it counts them all). */
#define TICK_IMPORT_ERRORS_MAX 1000

struct tick_import_result {
	long long rows;    /* data rows read */
	long long created; /* contacts made (0 on a dry run) */
	long long updated; /* contacts changed (0 on a dry run) */
	long long valid;   /* rows without an error */
	long long failed;  /* rows in error */
	json_t *errors;    /* [{line, error, field?}], owned by the caller */
};

/*
 * Imports the CSV file buf[0..len): the header row names the columns
 * (name, phone, email, tags, notes, opted_out, custom_fields as a JSON
 * object; whatsapp_user_id, tickets, created_at and id as the export
 * writes them are ignored; any other column is a custom field). With
 * dry_run nothing is written. TICK_EINVAL with res->errors saying why
 * when the header is unusable; TICK_EDB when the database failed (rows
 * of batches committed before stay).
 */
enum tick_err tick_contacts_import(struct tick_db *db, const char *buf,
    size_t len, int dry_run, struct tick_import_result *res);

/* The export's first line. */
#define TICK_CONTACTS_CSV_HEADER                                             \
	"id,name,phone,whatsapp_user_id,email,tags,notes,opted_out,tickets," \
	"created_at,custom_fields\r\n"

/* Writes every contact as CSV to sink (bom: UTF-8's byte order mark
 * first). *stopped when the sink refused bytes. */
enum tick_err tick_contacts_export(struct tick_db *db, int bom,
    const struct tick_export_sink *sink, int *stopped);

#endif
