/*
 * log.c: leveled logging to stderr ("program: level: message") or syslog.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

static const char *log_program = "ultrace";
static enum ultrace_log_level log_level = ULTRACE_LOG_NOTICE;
static int log_syslog;
static const char *log_context;

static const char *const level_names[] = {
	"error", "warning", "notice", "info", "debug",
};

void ultrace_log_init(const char *program, enum ultrace_log_level level)
{
	log_program = program;
	log_level = level;
}

void ultrace_log_set_level(enum ultrace_log_level level)
{
	log_level = level;
}

enum ultrace_log_level ultrace_log_get_level(void)
{
	return log_level;
}

void ultrace_log_use_syslog(int enable)
{
	if (enable && !log_syslog) {
		openlog(log_program, LOG_PID, LOG_DAEMON);
	} else if (!enable && log_syslog) {
		closelog();
	}
	log_syslog = enable;
}

void ultrace_log_set_context(const char *context)
{
	log_context = context;
}

int ultrace_log_level_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			return (int) i;
		}
	}
	return -1;
}

void ultrace_log(enum ultrace_log_level level, const char *fmt, ...)
{
	static const int syslog_prio[] = {
		LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG,
	};
	va_list ap;

	if (level > log_level) {
		return;
	}
	va_start(ap, fmt);
	if (log_syslog) {
		if (log_context != NULL) {
			char message[1024];

			vsnprintf(message, sizeof(message), fmt, ap);
			syslog(syslog_prio[level], "%s: %s", log_context,
				message);
		} else {
			vsyslog(syslog_prio[level], fmt, ap);
		}
	} else {
		/* One line, whole, whatever the other threads log. */
		flockfile(stderr);
		fprintf(stderr, "%s: %s: ", log_program, level_names[level]);
		if (log_context != NULL) {
			fprintf(stderr, "%s: ", log_context);
		}
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		funlockfile(stderr);
	}
	va_end(ap);
}
