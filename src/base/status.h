/* tick: a ticket's status, its names and how it may move. No I/O. */
#ifndef TICK_STATUS_H
#define TICK_STATUS_H

/* A superset of the tick system's statuses, in the order work goes. */
enum tick_status {
	TICK_STATUS_NEW,
	TICK_STATUS_ASSIGNED,
	TICK_STATUS_IN_PROGRESS,
	TICK_STATUS_PENDING, /* waits on the customer: the SLA clock stops */
	TICK_STATUS_CLOSED,
	TICK_STATUS__MAX
};

/* The names as stored and as the API shows them, NULL-terminated (the
 * choices of a TICK_FIELD_ENUM field). */
extern const char *const tick_status_names[TICK_STATUS__MAX + 1];

/* The name of s ("new", "assigned", "in_progress", "pending", "closed"). */
const char *tick_status_name(enum tick_status s);

/* The status named s: 0, or -1 when s names none. */
int tick_status_parse(const char *s, enum tick_status *out);

/*
 * Whether a ticket may move from status `from` to `to` by PUT .../status:
 * new, assigned, in_progress forward only; any open status to pending,
 * and pending back to in_progress only (the customer's next message does
 * that too); closed only by close; a super_admin (admin set) may reopen
 * a closed ticket.
 */
int tick_status_transition_ok(enum tick_status from, enum tick_status to,
    int admin);

#endif
