/*
 * tick: the reports' routes (issue 12): GET /api/stats/dashboard,
 * /api/stats/tickets, /api/analytics/overview, /api/reports/tickets,
 * /api/reports/export and /api/tickets/:id/transcript.pdf. Handlers only: the figures are base/figures, their
 * SQL store/reports, the files report_files.
 */
#ifndef TICK_REPORTS_API_H
#define TICK_REPORTS_API_H

struct tick_req;

void tick_reports_dashboard(struct tick_req *req);
void tick_reports_stats_tickets(struct tick_req *req);
void tick_reports_overview(struct tick_req *req);
void tick_reports_tickets(struct tick_req *req);
void tick_reports_export(struct tick_req *req);
/* GET /api/tickets/:id/transcript.pdf?notes=0|1 */
void tick_reports_transcript(struct tick_req *req);

#endif
