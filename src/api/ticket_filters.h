/*
 * tick: the filters of the ticket lists, read from a request's query once
 * for the inbox (GET /api/tickets) and the reports (GET /api/stats/...,
 * /api/reports/...), so both select the same tickets.
 */
#ifndef TICK_TICKET_FILTERS_H
#define TICK_TICKET_FILTERS_H

#include "tickets.h"

struct tick_req;

/* Where the comma-separated filters keep their values (the filters
 * borrow from it). */
struct tick_filter_text {
	char sites[256], categories[512], severities[64], observations[256];
};

/*
 * Reads site, category, severity, observation_type, status, assigned_to
 * (or agent), mine, unassigned, q, from, to and sort from req's query into
 * f, scoped to the caller. from and to are YYYY-MM-DD or
 * YYYY-MM-DDTHH:MM:SS, real calendar dates. strict (the reports) also
 * reads tz (its shape only: whether the server knows it is the caller's
 * question) and answers a bad value 422 with details naming the field;
 * otherwise (the inbox, as it always has) 400. Returns 0, or -1 after
 * answering.
 */
int tick_ticket_filters_parse(struct tick_req *req, int strict,
    struct tick_ticket_filters *f, struct tick_filter_text *t);

/* Whether s is YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS and a real date and
 * time. No I/O. */
int tick_ticket_filters_date(const char *s);

#endif
