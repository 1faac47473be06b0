/* tick: logging to standard error (nginx or the process manager collects it). */
#ifndef TICK_LOG_H
#define TICK_LOG_H

enum tick_log_level {
	TICK_LOG_ERR,
	TICK_LOG_WARN,
	TICK_LOG_INFO,
	TICK_LOG_DEBUG,
	TICK_LOG__MAX
};

/* Messages above this level are dropped; TICK_LOG_LEVEL=debug|info|warn|err. */
void tick_log_set_level(enum tick_log_level lvl);
/* Parses a level name; returns -1 when unknown. */
int tick_log_level_parse(const char *name);
void tick_log(enum tick_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define tick_log_err(...) tick_log(TICK_LOG_ERR, __VA_ARGS__)
#define tick_log_warn(...) tick_log(TICK_LOG_WARN, __VA_ARGS__)
#define tick_log_info(...) tick_log(TICK_LOG_INFO, __VA_ARGS__)
#define tick_log_debug(...) tick_log(TICK_LOG_DEBUG, __VA_ARGS__)

#endif
