/*
 * tick: libcsv's header. Debian installs it as <csv.h>, the name of
 * tick's own base/csv.h, which the include path finds first; include_next
 * skips this folder and the ones before it, so the search goes on to the
 * system's. Include only from base/csv.c.
 */
#ifndef TICK_CSV_LIB_H
#define TICK_CSV_LIB_H

#include_next <csv.h>

#endif
