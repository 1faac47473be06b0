/*
 * tick: the responder main loop. One binary runs three ways:
 *  - plain CGI (one request from the environment and standard input);
 *  - FastCGI child of a process manager (standard input is the listening
 *    socket, as spawn-fcgi and mod_fcgid arrange);
 *  - standalone: --listen unix:PATH | HOST:PORT --workers N pre-forks N
 *    workers, re-spawns any that die, and stops cleanly on SIGTERM.
 */
#ifndef TICK_SERVE_H
#define TICK_SERVE_H

#include <stddef.h>

#include "http.h"

/* Runs of a handler in all when it answers 503 after a deadlock, having
 * committed nothing (a Galera certification conflict is one). */
#define TICK_HTTP_DEADLOCK_TRIES 3

/* Runs the responder over its route table; returns the exit status. */
int tick_serve_main(int argc, char **argv, const struct tick_routes *table);

/* True once the worker was asked to stop (SIGTERM): long handlers such as
 * the event stream end early. */
int tick_serve_stopping(void);

#endif
