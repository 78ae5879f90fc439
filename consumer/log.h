/*
 * log.h: leveled logging for ultrace programs, to stderr or syslog.
 * No SNMP, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_LOG_H
#define ULTRACE_LOG_H

enum ultrace_log_level {
	ULTRACE_LOG_ERROR = 0,
	ULTRACE_LOG_WARNING,
	ULTRACE_LOG_NOTICE,
	ULTRACE_LOG_INFO,
	ULTRACE_LOG_DEBUG,
};

/* `program` prefixes every line; messages above `level` are dropped. */
void ultrace_log_init(const char *program, enum ultrace_log_level level);
void ultrace_log_set_level(enum ultrace_log_level level);
enum ultrace_log_level ultrace_log_get_level(void);
/* Send messages to syslog (LOG_DAEMON) instead of stderr. */
void ultrace_log_use_syslog(int enable);
/*
 * Prefix every message with "context: " until set to NULL (e.g.
 * "FILE:LINE" while a configuration file's options are applied). The
 * string is borrowed: it must live until replaced.
 */
void ultrace_log_set_context(const char *context);
/* Parse "error", "warning", "notice", "info", "debug"; -1 if unknown. */
int ultrace_log_level_parse(const char *name);

void ultrace_log(enum ultrace_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define ULTRACE_ERR(...) ultrace_log(ULTRACE_LOG_ERROR, __VA_ARGS__)
#define ULTRACE_WARN(...) ultrace_log(ULTRACE_LOG_WARNING, __VA_ARGS__)
#define ULTRACE_NOTICE(...) ultrace_log(ULTRACE_LOG_NOTICE, __VA_ARGS__)
#define ULTRACE_INFO(...) ultrace_log(ULTRACE_LOG_INFO, __VA_ARGS__)
#define ULTRACE_DBG(...) ultrace_log(ULTRACE_LOG_DEBUG, __VA_ARGS__)

#endif /* ULTRACE_LOG_H */
