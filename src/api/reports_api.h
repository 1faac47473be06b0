/*
 * tick: the reports' routes (issue 12): GET /api/stats/dashboard,
 * /api/stats/tickets, /api/analytics/overview, /api/reports/tickets,
 * /api/reports/export and /api/tickets/:id/transcript.pdf. Handlers only: the figures are base/figures, their
 * SQL store/reports, the files report_files.
 */
#ifndef TICK_REPORTS_API_H
#define TICK_REPORTS_API_H

#include "err.h"

struct tick_req;
struct tick_export_sink;

void tick_reports_dashboard(struct tick_req *req);
void tick_reports_stats_tickets(struct tick_req *req);
void tick_reports_overview(struct tick_req *req);
void tick_reports_tickets(struct tick_req *req);
void tick_reports_export(struct tick_req *req);
/* GET /api/tickets/:id/transcript.pdf?notes=0|1 */
void tick_reports_transcript(struct tick_req *req);

/*
 * Answers with what produce writes to its sink (ctype), streamed in
 * pieces as it comes (another responder's export, e.g. the contacts').
 * An error before the first piece is answered as JSON; after it the
 * answer ends short and the log says why.
 */
void tick_reports_stream(struct tick_req *req, const char *ctype,
    enum tick_err (
        *produce)(void *arg, const struct tick_export_sink *sink, int *stopped),
    void *arg);

#endif
