/*
 * sd_notify.h: tell the service manager (systemd) how the daemon is doing
 * over $NOTIFY_SOCKET, sd_notify(3)'s datagram protocol, and pace the
 * watchdog pings it asks for ($WATCHDOG_USEC, $WATCHDOG_PID). Outside
 * systemd (no $NOTIFY_SOCKET) every call does nothing. No SNMP, no
 * babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SD_NOTIFY_H
#define ULTRACE_SD_NOTIFY_H

#include <stdint.h>

/*
 * Send `message` ("READY=1", "STATUS=...", several newline-separated
 * assignments) as one datagram to $NOTIFY_SOCKET: a path, or an abstract
 * socket name when it starts with '@'. A newline is added at the end if
 * missing (systemd ignores it; a reader of the datagrams as one stream
 * sees one assignment per line). Returns 1 sent, 0 no $NOTIFY_SOCKET, -1
 * on failure (errno set; the daemon goes on, systemd will time it out).
 */
int ultrace_sd_notify(const char *message);

/* The same, printf-style (at most 4 KiB). */
int ultrace_sd_notifyf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * The watchdog period systemd asks of this process, in microseconds:
 * $WATCHDOG_USEC when set to a positive number and $WATCHDOG_PID is unset
 * or this process's pid; else 0 (no watchdog).
 */
uint64_t ultrace_sd_watchdog_usec(void);

/* When to ping: at half the period, from the caller's loop. */
struct ultrace_sd_watchdog {
	int64_t interval_ns;  /* 0: no watchdog */
	int64_t next_ns;      /* monotonic */
};

/* From ultrace_sd_watchdog_usec(); the first ping is due at once. */
void ultrace_sd_watchdog_init(struct ultrace_sd_watchdog *watchdog);

/*
 * Send WATCHDOG=1 if one is due at `now_ns` (CLOCK_MONOTONIC). Call it
 * from the loop whose health the ping vouches for. Returns 1 sent, 0 not
 * due or no watchdog, -1 on failure.
 */
int ultrace_sd_watchdog_tick(struct ultrace_sd_watchdog *watchdog,
		int64_t now_ns);

#endif /* ULTRACE_SD_NOTIFY_H */
