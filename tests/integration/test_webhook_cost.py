#!/usr/bin/env python3
"""What one webhook message costs in SQL statements (issue 18): the append
(a customer's text on an open ticket) and the new ticket (a first text, its
confirmation sent). The responder runs as plain CGI, one process and one
database connection a request, with MariaDB's general log on; the statements
counted are the prepared statements that connection executed (every
statement tick runs is prepared; a warm worker prepares each once, and the
connection's setup is not per message). A
change that adds a statement to the hot path fails here; lower the figure
when a change removes one (README's Benchmark section lists them)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import new_phone, one, sign, sql, text_message  # noqa: E402
from test_faults import cgi  # noqa: E402

# The figures after issue 18's cuts (before them: 24 and 34).
APPEND_MAX = 16
NEW_TICKET_MAX = 36


def statements(phone, text):
    """Runs one signed text from phone through the webhook responder and
    returns the SQL its connection ran, in order."""
    body = json.dumps(text_message(phone, text)).encode()
    sql("SET GLOBAL log_output = 'TABLE'")
    sql("TRUNCATE TABLE mysql.general_log")
    sql("SET GLOBAL general_log = 1")
    try:
        before = int(one("SELECT CONNECTION_ID()"))
        status, doc, _ = cgi("webhook", "POST", "/api/whatsapp/webhook", body, {"X-Hub-Signature-256": sign(body)})
        after = int(one("SELECT CONNECTION_ID()"))
    finally:
        sql("SET GLOBAL general_log = 0")
    assert status == 200, doc
    rows = sql("SELECT thread_id, command_type, REPLACE(REPLACE(CONVERT(argument USING utf8mb4), '\\n', ' '),"
               " '\\t', ' ') FROM mysql.general_log WHERE thread_id > %d AND thread_id < %d"
               " AND command_type = 'Execute' ORDER BY event_time" % (before, after))
    sql("TRUNCATE TABLE mysql.general_log")
    if os.environ.get("TICK_COST_VERBOSE"):
        for r in rows:
            print("   ", r[0], r[1], r[2][:160])
    return [r[2] for r in rows]


def test_an_append_costs_at_most_its_figure():
    phone = new_phone()
    first = statements(phone, "the first message opens a ticket")
    assert int(one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % phone)) == 1
    appended = statements(phone, "and a second one is appended")
    assert int(one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % phone)) == 1
    assert int(one("SELECT COUNT(*) FROM whatsapp_messages m JOIN tickets t ON t.id = m.ticket_id"
                   " WHERE t.mobile = '%s' AND m.direction = 'in'" % phone)) == 2
    print("    new ticket: %d statements, append: %d" % (len(first), len(appended)))
    assert len(first) <= NEW_TICKET_MAX, (len(first), first)
    assert len(appended) <= APPEND_MAX, (len(appended), appended)
