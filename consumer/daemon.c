/*
 * daemon.c: detach, pid file, signal flags.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

volatile sig_atomic_t ultrace_daemon_stop_signal;
volatile sig_atomic_t ultrace_daemon_hup;

static void on_stop(int sig)
{
	ultrace_daemon_stop_signal = sig;
}

static void on_hup(int sig)
{
	(void) sig;
	ultrace_daemon_hup = 1;
}

int ultrace_daemon_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
			sigaction(SIGINT, &sa, NULL) != 0) {
		return -1;
	}
	sa.sa_handler = on_hup;
	if (sigaction(SIGHUP, &sa, NULL) != 0) {
		return -1;
	}
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

int ultrace_daemon_detach(void)
{
	if (daemon(0, 0) != 0) {
		ULTRACE_ERR("cannot detach: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static pid_t read_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = 0;

	if (f == NULL) {
		return 0;
	}
	if (fscanf(f, "%ld", &pid) != 1) {
		pid = 0;
	}
	fclose(f);
	return (pid_t) pid;
}

int ultrace_daemon_pidfile_create(const char *path)
{
	char buf[32];
	int fd;
	int len;
	pid_t other;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 && errno == EEXIST) {
		other = read_pid(path);
		if (other > 0 && (kill(other, 0) == 0 || errno == EPERM)) {
			ULTRACE_ERR("pid file %s: process %ld is running",
				path, (long) other);
			return -1;
		}
		ULTRACE_WARN("pid file %s is stale; replacing it", path);
		unlink(path);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	}
	if (fd < 0) {
		ULTRACE_ERR("pid file %s: %s", path, strerror(errno));
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "%ld\n", (long) getpid());
	if (write(fd, buf, (size_t) len) != len) {
		ULTRACE_ERR("pid file %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

void ultrace_daemon_pidfile_remove(const char *path)
{
	if (path != NULL && read_pid(path) == getpid()) {
		unlink(path);
	}
}
