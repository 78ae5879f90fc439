/*
 * test_sd_notify.c: messages reach $NOTIFY_SOCKET as one datagram each,
 * at a path or an abstract name ('@'); the watchdog period is taken from
 * $WATCHDOG_USEC only for the process $WATCHDOG_PID names, and pings are
 * paced at half of it (consumer/sd_notify.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sd_notify.h"
#include "tap.h"

/* A datagram socket bound at `name` (path, or '@' for abstract). */
static int listen_at(const char *name)
{
	struct sockaddr_un addr;
	socklen_t len;
	int fd;

	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	strncpy(addr.sun_path, name, sizeof(addr.sun_path) - 1);
	len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) +
		strlen(name) + (name[0] == '@' ? 0 : 1));
	if (name[0] == '@') {
		addr.sun_path[0] = '\0';
	}
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *) &addr, len) != 0) {
		bail_out("cannot bind a datagram socket at %s", name);
	}
	return fd;
}

/* The next datagram, waiting at most a second; "" if none. */
static const char *receive(int fd, char *buf, size_t size)
{
	struct timeval tv = { 1, 0 };
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void test_delivery(const char *name, const char *what)
{
	char buf[256];
	int fd = listen_at(name);

	setenv("NOTIFY_SOCKET", name, 1);
	is_int(ultrace_sd_notify("READY=1\nSTATUS=serving"), 1,
		"%s: sent", what);
	is_str(receive(fd, buf, sizeof(buf)), "READY=1\nSTATUS=serving\n",
		"%s: one datagram, newline-terminated", what);
	is_int(ultrace_sd_notifyf("STATUS=%d users", 42), 1,
		"%s: printf-style sent", what);
	is_str(receive(fd, buf, sizeof(buf)), "STATUS=42 users\n",
		"%s: formatted", what);
	is_int(ultrace_sd_notify("WATCHDOG=1\n"), 1, "%s: ping sent", what);
	is_str(receive(fd, buf, sizeof(buf)), "WATCHDOG=1\n",
		"%s: a newline already there is not doubled", what);
	close(fd);
}

static void test_no_socket(void)
{
	unsetenv("NOTIFY_SOCKET");
	is_int(ultrace_sd_notify("READY=1"), 0,
		"no $NOTIFY_SOCKET: nothing sent, no error");
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	is_int(ultrace_sd_notify("READY=1"), -1,
		"a relative socket path is refused");
	setenv("NOTIFY_SOCKET", "/nonexistent/ultrace/notify", 1);
	is_int(ultrace_sd_notify("READY=1"), -1,
		"a socket nobody listens on is an error, not a crash");
}

static void test_watchdog_env(void)
{
	char pid[32];
	char other[32];

	snprintf(pid, sizeof(pid), "%ld", (long) getpid());
	snprintf(other, sizeof(other), "%ld", (long) getpid() + 1);
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
	is_uint(ultrace_sd_watchdog_usec(), 0, "no WATCHDOG_USEC: none");
	setenv("WATCHDOG_USEC", "2000000", 1);
	is_uint(ultrace_sd_watchdog_usec(), 2000000,
		"WATCHDOG_USEC without WATCHDOG_PID is ours");
	setenv("WATCHDOG_PID", pid, 1);
	is_uint(ultrace_sd_watchdog_usec(), 2000000,
		"WATCHDOG_PID naming us");
	setenv("WATCHDOG_PID", other, 1);
	is_uint(ultrace_sd_watchdog_usec(), 0,
		"WATCHDOG_PID naming another process: not ours");
	setenv("WATCHDOG_PID", "x", 1);
	is_uint(ultrace_sd_watchdog_usec(), 0, "an unreadable WATCHDOG_PID");
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "20s", 1);
	is_uint(ultrace_sd_watchdog_usec(), 0, "an unreadable WATCHDOG_USEC");
	setenv("WATCHDOG_USEC", "-5", 1);
	is_uint(ultrace_sd_watchdog_usec(), 0, "a negative WATCHDOG_USEC");
}

static void test_watchdog_pace(void)
{
	struct ultrace_sd_watchdog w;
	char buf[64];
	const int64_t s = 1000000000;
	char name[64];
	int pings = 0;
	int64_t t;
	int fd;

	snprintf(name, sizeof(name), "@ultrace-test-sd-notify-pace.%ld",
		(long) getpid());
	fd = listen_at(name);
	setenv("NOTIFY_SOCKET", name, 1);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "2000000", 1);
	ultrace_sd_watchdog_init(&w);
	is_int(w.interval_ns, s, "pings at half the period");
	/* 10 s of a loop turning every 100 ms: a ping each second. */
	for (t = 100 * s; t < 110 * s; t += s / 10) {
		pings += ultrace_sd_watchdog_tick(&w, t) == 1;
	}
	is_int(pings, 10, "10 pings over 10 s of a 100 ms loop");
	is_str(receive(fd, buf, sizeof(buf)), "WATCHDOG=1\n",
		"each ping is WATCHDOG=1");
	unsetenv("WATCHDOG_USEC");
	ultrace_sd_watchdog_init(&w);
	is_int(ultrace_sd_watchdog_tick(&w, 200 * s), 0,
		"no watchdog asked: no ping");
	close(fd);
}

int main(void)
{
	char path[64];
	char abstract[64];

	plan(26);
	snprintf(path, sizeof(path), "/tmp/ultrace-test-notify.%ld",
		(long) getpid());
	unlink(path);
	test_delivery(path, "path socket");
	unlink(path);
	snprintf(abstract, sizeof(abstract), "@ultrace-test-sd-notify.%ld",
		(long) getpid());
	test_delivery(abstract, "abstract socket");
	test_no_socket();
	test_watchdog_env();
	test_watchdog_pace();
	return exit_status();
}
