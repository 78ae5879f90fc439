/*
 * daemon.h: what makes a program a well-behaved daemon: detaching,
 * a pid file, and signal flags for the main loop. Knows nothing of
 * traces or SNMP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_DAEMON_H
#define ULTRACE_DAEMON_H

#include <signal.h>

/* Set by the handlers; the main loop reads and clears them. */
extern volatile sig_atomic_t ultrace_daemon_stop_signal;
extern volatile sig_atomic_t ultrace_daemon_hup;

/* SIGTERM/SIGINT set the stop flag, SIGHUP the hup flag; SIGPIPE ignored. */
int ultrace_daemon_install_signals(void);

/* Detach from the terminal (fork, setsid, chdir /, stdio to /dev/null). */
int ultrace_daemon_detach(void);

/*
 * Create `path` holding our pid. Fails if it names a live process;
 * a stale file is replaced. Returns 0 or -1 (reason logged).
 */
int ultrace_daemon_pidfile_create(const char *path);
void ultrace_daemon_pidfile_remove(const char *path);

#endif /* ULTRACE_DAEMON_H */
